import { describe, expect, it } from 'vitest';
import type { Claims } from '../auth/session';
import {
  daysBetween,
  maySeeProgress,
  notTrackingReason,
  offTrackReason,
  thresholdText,
} from './engagements';

const claims = (role: Claims['role'], sub = 'me', locationIds: string[] = []): Claims => ({
  sub,
  orgId: 'org',
  role,
  clientId: null,
  locationIds,
  expiresAt: null,
});

const base = {
  type: 'one_to_one' as const,
  started_on: '2026-03-01',
  coach_selected_on: null,
  threshold_days: 21,
};

describe('why an engagement is Off track', () => {
  it('the seed example: threshold 21, started 1 March, nothing since → Off track from 22 March', () => {
    const reason = offTrackReason(
      { ...base, off_track_since: '2026-03-22' },
      [],
      '2026-03-22',
      'en-GB',
    );
    expect(reason).toBe(
      '21 days since the engagement started on Sun, 1 Mar 2026, and no session is booked.',
    );
  });

  it('names the last session, and counts the days up to today', () => {
    const reason = offTrackReason(
      { ...base, off_track_since: '2026-04-19' },
      [
        { date: '2026-03-10', kind: 'session' },
        { date: '2026-03-29', kind: 'session' },
      ],
      '2026-04-25',
      'en-GB',
    );
    expect(reason).toBe(
      '27 days since the last session on Sun, 29 Mar 2026, and no session is booked.',
    );
  });

  it('coach matching: the coach selection or a discovery call', () => {
    const matching = { ...base, type: 'coach_matching' as const, threshold_days: 14 };
    expect(
      offTrackReason(
        { ...matching, coach_selected_on: '2026-03-05', off_track_since: '2026-03-19' },
        [],
        '2026-03-19',
        'en-GB',
      ),
    ).toBe(
      '14 days since the coach was selected on Thu, 5 Mar 2026, and no discovery call is booked.',
    );
    expect(
      offTrackReason(
        { ...matching, off_track_since: '2026-03-24' },
        [{ date: '2026-03-10', kind: 'discovery_call' }],
        '2026-03-24',
        'en-GB',
      ),
    ).toMatch(/^14 days since the last discovery call on Tue, 10 Mar 2026/);
  });

  it('has nothing to say when it is not Off track', () => {
    expect(offTrackReason({ ...base, off_track_since: null }, [], '2026-03-22')).toBeNull();
  });
});

describe('who sees progress (SPEC §7)', () => {
  const e = { owner_id: 'owner-1', coach_id: 'coach-1', location_id: 'north' };
  it('owner, owners and admins, location admins of its location, its coach', () => {
    expect(maySeeProgress(claims('owner'), e)).toBe(true);
    expect(maySeeProgress(claims('admin'), e)).toBe(true);
    expect(maySeeProgress(claims('location_admin', 'x', ['north']), e)).toBe(true);
    expect(maySeeProgress(claims('staff', 'coach-1'), e)).toBe(true);
    expect(maySeeProgress(claims('staff', 'owner-1'), e)).toBe(true);
  });
  it('not another coach, a location admin elsewhere, or a client', () => {
    expect(maySeeProgress(claims('staff', 'coach-2'), e)).toBe(false);
    expect(maySeeProgress(claims('location_admin', 'x', ['south']), e)).toBe(false);
    expect(maySeeProgress(claims('client'), e)).toBe(false);
  });
  it('explains a "-"', () => {
    const tracked = { ...e, status: 'active' as const, progress: 'not_tracking' as const };
    expect(notTrackingReason(claims('staff', 'coach-2'), tracked)).toMatch(
      /only to the engagement/,
    );
    expect(notTrackingReason(claims('owner'), { ...tracked, status: 'draft' })).toBe(
      'Not tracked: the engagement is draft, not active.',
    );
    expect(notTrackingReason(claims('owner'), { ...tracked, threshold_days: null })).toMatch(
      /tracking was off in its template/,
    );
  });
});

describe('dates and thresholds', () => {
  it('counts days across month ends and DST', () => {
    expect(daysBetween('2026-03-01', '2026-03-22')).toBe(21);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });
  it('says thresholds as the seed does', () => {
    expect(thresholdText(21)).toBe('3 weeks');
    expect(thresholdText(7)).toBe('1 week');
    expect(thresholdText(10)).toBe('10 days');
    expect(thresholdText(null)).toBe('Off');
  });
});
