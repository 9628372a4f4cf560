import { describe, expect, it } from 'vitest';
import { addDays, dateIn, formatDate, formatDateTime, todayIn, zonedTimestamp } from './dates';

describe('dates in the organization timezone', () => {
  it('formats a calendar date as it is, whatever the browser timezone', () => {
    expect(formatDate('2026-05-31', 'en-GB')).toMatch(/^Sun,? 31 May 2026$/);
    expect(formatDate(null)).toBe('—');
  });

  it('formats a timestamp in the organization timezone', () => {
    // 23:30 UTC on 31 May is 1 June in Auckland and still 31 May in London (BST).
    expect(formatDateTime('2026-05-31T23:30:00Z', 'Pacific/Auckland', 'en-GB')).toContain(
      '1 Jun 2026',
    );
    expect(formatDateTime('2026-05-31T23:30:00Z', 'Europe/London', 'en-GB')).toMatch(
      /Mon,? 1 Jun 2026,? 00:30/,
    );
    expect(formatDateTime('2026-05-31T22:30:00Z', 'Europe/London', 'en-GB')).toMatch(
      /Sun,? 31 May 2026,? 23:30/,
    );
  });

  it('knows today in the organization timezone', () => {
    const now = new Date('2026-01-01T02:00:00Z');
    expect(todayIn('America/Los_Angeles', now)).toBe('2025-12-31');
    expect(todayIn('Europe/London', now)).toBe('2026-01-01');
    expect(dateIn('2026-01-01T02:00:00Z', 'Asia/Tokyo')).toBe('2026-01-01');
  });

  // A wall-clock time becomes a timestamp with the offset of that day, across DST changes.
  it.each([
    ['2026-01-15 10:00', 'Europe/London', '2026-01-15T10:00:00+00:00'],
    ['2026-07-15 10:00', 'Europe/London', '2026-07-15T10:00:00+01:00'],
    ['2026-07-15 10:00', 'America/New_York', '2026-07-15T10:00:00-04:00'],
    ['2026-07-15 10:00', 'Asia/Kolkata', '2026-07-15T10:00:00+05:30'],
    // London springs forward on 29 March 2026 at 01:00 UTC.
    ['2026-03-29 00:30', 'Europe/London', '2026-03-29T00:30:00+00:00'],
    ['2026-03-29 10:00', 'Europe/London', '2026-03-29T10:00:00+01:00'],
    // 01:30 does not exist that night: the clock reads 02:30 instead, same day.
    ['2026-03-29 01:30', 'Europe/London', '2026-03-29T02:30:00+01:00'],
    // And falls back on 25 October.
    ['2026-10-25 23:00', 'Europe/London', '2026-10-25T23:00:00+00:00'],
  ])('%s in %s is %s', (wallClock, zone, at) => {
    const [date = '', time = ''] = wallClock.split(' ');
    expect(zonedTimestamp(date, time, zone)).toBe(at);
  });

  it('keeps a session on its day across DST changes', () => {
    for (const time of ['00:00', '01:30', '23:59']) {
      for (const date of ['2026-03-29', '2026-10-25', '2026-03-08', '2026-11-01']) {
        for (const zone of ['Europe/London', 'America/New_York', 'Australia/Sydney']) {
          expect(dateIn(zonedTimestamp(date, time, zone), zone)).toBe(date);
        }
      }
    }
  });

  it('adds days to calendar dates across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
