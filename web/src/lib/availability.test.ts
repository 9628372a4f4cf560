import { describe, expect, it } from 'vitest';
import { validateAvailability } from './availability';

describe('weekly availability rules', () => {
  const monday = (...ranges: [string, string][]) => ({
    monday: ranges.map(([start, end]) => ({ start, end })),
  });

  it('accepts separate ranges', () => {
    expect(validateAvailability(monday(['09:00', '12:00'], ['12:00', '13:00']))).toEqual({});
  });
  it('needs the end after the start', () => {
    expect(validateAvailability({ friday: [{ start: '12:00', end: '09:00' }] })).toEqual({
      'friday.0': 'The end must be after the start.',
    });
  });
  it('refuses overlapping ranges on the same day', () => {
    expect(validateAvailability(monday(['11:00', '14:00'], ['09:00', '12:00']))).toEqual({
      'monday.0': 'Overlaps 09:00–12:00.',
    });
  });
  it('refuses times that are not HH:MM', () => {
    expect(validateAvailability({ sunday: [{ start: '9', end: '10:00' }] })['sunday.0']).toBe(
      'Use times like 09:00.',
    );
  });
});
