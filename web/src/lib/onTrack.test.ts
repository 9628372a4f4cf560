import { describe, expect, it } from 'vitest';
import { DEFAULT_ON_TRACK, errorsUnder, validateOnTrack } from './onTrack';

describe('On track threshold rules, as the API validates them', () => {
  it('accepts the seed example', () => {
    expect(
      validateOnTrack({
        ...DEFAULT_ON_TRACK,
        window_days: 30,
        at_risk_below: 2,
        off_track_below: 1,
      }),
    ).toEqual({});
  });

  it('needs Off track strictly below At risk', () => {
    expect(validateOnTrack({ ...DEFAULT_ON_TRACK, at_risk_below: 2, off_track_below: 2 })).toEqual({
      off_track_below: 'Off track must be less than At risk.',
    });
    expect(validateOnTrack({ ...DEFAULT_ON_TRACK, at_risk_below: 1, off_track_below: 0 })).toEqual(
      {},
    );
  });

  it('keeps the window between 1 and 365 days', () => {
    expect(validateOnTrack({ ...DEFAULT_ON_TRACK, window_days: 0 }).window_days).toBeDefined();
    expect(validateOnTrack({ ...DEFAULT_ON_TRACK, window_days: 366 }).window_days).toBeDefined();
    expect(validateOnTrack({ ...DEFAULT_ON_TRACK, window_days: 365 })).toEqual({});
    expect(validateOnTrack({ ...DEFAULT_ON_TRACK, window_days: 1 })).toEqual({});
  });

  it('needs At risk of at least 1 and whole numbers', () => {
    expect(
      validateOnTrack({ ...DEFAULT_ON_TRACK, at_risk_below: 0, off_track_below: 0 }).at_risk_below,
    ).toBeDefined();
    expect(validateOnTrack({ ...DEFAULT_ON_TRACK, window_days: 2.5 }).window_days).toBeDefined();
  });

  it('reads the API field errors under a prefix', () => {
    expect(errorsUnder({ 'on_track.off_track_below': 'x', name: 'y' }, 'on_track')).toEqual({
      off_track_below: 'x',
    });
  });
});
