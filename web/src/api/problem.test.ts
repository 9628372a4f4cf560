import { describe, expect, it } from 'vitest';
import { ApiError, describeError, fieldErrors } from './problem';

describe('problems from the API', () => {
  it('keys field errors by their path in the body', () => {
    expect(
      fieldErrors({
        errors: [
          { loc: ['body', 'on_track', 'off_track_below'], msg: 'must be less than at_risk_below' },
          { loc: ['body', 'name'], msg: 'String should have at least 1 character' },
          { field: 'body.lines.0.amount', msg: 'Input should be a valid number' },
        ],
      }),
    ).toEqual({
      'on_track.off_track_below': 'Must be less than at_risk_below.',
      name: 'This cannot be empty.',
      'lines.0.amount': 'Input should be a valid number.',
    });
  });

  it('says a 403 is about access, never a blank', () => {
    expect(
      describeError(
        new ApiError(403, { detail: 'Only owners and admins may change On track settings.' }),
      ),
    ).toEqual({
      title: "You don't have access to this",
      detail: 'Only owners and admins may change On track settings.',
    });
  });

  it('tells the person that someone else changed the record on a 412', () => {
    expect(describeError(new ApiError(412, { detail: 'changed' })).title).toBe(
      'Someone else changed this record',
    );
  });

  it('keeps the API message of a refusal (409)', () => {
    const error = new ApiError(409, { detail: 'This client already has 8 trackers' });
    expect(describeError(error)).toEqual({
      title: 'This cannot be done now',
      detail: 'This client already has 8 trackers',
    });
  });
});
