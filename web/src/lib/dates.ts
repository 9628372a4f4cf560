// Dates and times shown in the organization's timezone (SPEC §1), whatever the browser's.
// Calendar dates (`YYYY-MM-DD`) are already dates in that timezone: they are formatted as
// they are, never shifted. Timestamps are converted into the timezone before formatting.

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = JSON.stringify([locale, options]);
  let found = cache.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, options);
    cache.set(key, found);
  }
  return found;
}

export function parseIsoDate(value: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** "Fri 4 Dec 2026": a calendar date, as it is. */
export function formatDate(value: string | null | undefined, locale?: string): string {
  if (!value) return '—';
  const parts = parseIsoDate(value);
  if (!parts) return value;
  const at = new Date(Date.UTC(parts.year, parts.month - 1, parts.day, 12));
  return formatter(locale, {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(at);
}

/** "Fri 4 Dec 2026, 10:00": a timestamp, in the organization's timezone. */
export function formatDateTime(
  value: string | null | undefined,
  timeZone: string,
  locale?: string,
): string {
  if (!value) return '—';
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  return formatter(locale, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}

/** "10:00": the time of day of a timestamp in the organization's timezone. */
export function formatTime(value: string, timeZone: string, locale?: string): string {
  return formatter(locale, { timeZone, hour: '2-digit', minute: '2-digit' }).format(
    new Date(value),
  );
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(at: Date, timeZone: string): WallClock {
  const parts = formatter('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

function isoDateOf(clock: Pick<WallClock, 'year' | 'month' | 'day'>): string {
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}`;
}

/** The calendar date of an instant in a timezone: `YYYY-MM-DD`. */
export function dateIn(at: Date | string, timeZone: string): string {
  return isoDateOf(wallClock(typeof at === 'string' ? new Date(at) : at, timeZone));
}

/** Today in the organization's timezone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return dateIn(now, timeZone);
}

/** Minutes the timezone is ahead of UTC at an instant. */
function offsetMinutes(at: Date, timeZone: string): number {
  const c = wallClock(at, timeZone);
  const asUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000);
}

/** The instant a wall-clock date and time has in a timezone, as an ISO timestamp with that
 * timezone's offset ("2026-03-29T10:00:00+01:00"). A time skipped by a DST change moves
 * forward by the gap, as a wall clock does. */
export function zonedTimestamp(date: string, time: string, timeZone: string): string {
  const d = parseIsoDate(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) throw new Error(`Not a date and time: ${date} ${time}`);
  const wanted = Date.UTC(d.year, d.month - 1, d.day, Number(t[1]), Number(t[2]));
  // Two passes settle the offset on either side of a DST change.
  let offset = offsetMinutes(new Date(wanted), timeZone);
  offset = offsetMinutes(new Date(wanted - offset * 60000), timeZone);
  const instant = new Date(wanted - offset * 60000);
  const local = wallClock(instant, timeZone);
  const finalOffset = offsetMinutes(instant, timeZone);
  const sign = finalOffset < 0 ? '-' : '+';
  return (
    `${isoDateOf(local)}T${pad(local.hour)}:${pad(local.minute)}:00` +
    `${sign}${pad(Math.trunc(Math.abs(finalOffset) / 60))}:${pad(Math.abs(finalOffset) % 60)}`
  );
}

/** The `HH:MM` wall-clock time of an instant in a timezone (for time inputs). */
export function timeIn(at: string, timeZone: string): string {
  const c = wallClock(new Date(at), timeZone);
  return `${pad(c.hour)}:${pad(c.minute)}`;
}

/** Add days to a calendar date. */
export function addDays(date: string, days: number): string {
  const d = parseIsoDate(date);
  if (!d) return date;
  const at = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return isoDateOf({
    year: at.getUTCFullYear(),
    month: at.getUTCMonth() + 1,
    day: at.getUTCDate(),
  });
}

/** Every IANA timezone the browser knows (for the organization's settings). */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
