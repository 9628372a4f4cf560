import type { Availability, TimeRange } from '../api/types';

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};

const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Errors per `day.index` for ranges that are malformed, end before they start, or overlap
 * another range of the same day (SPEC §2). */
export function validateAvailability(availability: Partial<Record<Weekday, TimeRange[]>>) {
  const errors: Record<string, string> = {};
  for (const day of WEEKDAYS) {
    const ranges = availability[day] ?? [];
    ranges.forEach((range, i) => {
      if (!TIME.test(range.start) || !TIME.test(range.end)) {
        errors[`${day}.${i}`] = 'Use times like 09:00.';
      } else if (range.start >= range.end) {
        errors[`${day}.${i}`] = 'The end must be after the start.';
      }
    });
    const sorted = ranges
      .map((r, i) => ({ ...r, i }))
      .filter((r) => !errors[`${day}.${r.i}`])
      .sort((a, b) => a.start.localeCompare(b.start));
    for (let k = 1; k < sorted.length; k++) {
      const prev = sorted[k - 1];
      const cur = sorted[k];
      if (prev && cur && cur.start < prev.end) {
        errors[`${day}.${cur.i}`] = `Overlaps ${prev.start}–${prev.end}.`;
      }
    }
  }
  return errors;
}

export function normalizeAvailability(value: unknown): Partial<Record<Weekday, TimeRange[]>> {
  const out: Partial<Record<Weekday, TimeRange[]>> = {};
  if (!value || typeof value !== 'object') return out;
  const source = value as Record<string, unknown>;
  for (const day of WEEKDAYS) {
    const ranges = source[day];
    if (Array.isArray(ranges)) {
      out[day] = ranges.filter(
        (r): r is TimeRange =>
          !!r && typeof r === 'object' && typeof (r as TimeRange).start === 'string',
      );
    }
  }
  return out;
}

export function toAvailabilityBody(value: Partial<Record<Weekday, TimeRange[]>>): Availability {
  const body: Availability = {};
  for (const day of WEEKDAYS) {
    const ranges = value[day];
    if (ranges && ranges.length) body[day] = ranges;
  }
  return body;
}
