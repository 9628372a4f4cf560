import type { OnTrackSettings } from '../api/types';

export const DEFAULT_ON_TRACK: OnTrackSettings = {
  enabled: true,
  window_days: 30,
  at_risk_below: 2,
  off_track_below: 1,
  reminder_after_days: null,
  remind_team_member: false,
  remind_client: false,
  client_visible: false,
};

/** The threshold rules the API enforces (SPEC §5), checked before sending so the person
 * sees them next to the field at once; the API's own 422 is shown the same way. */
export function validateOnTrack(settings: OnTrackSettings): Record<string, string> {
  const errors: Record<string, string> = {};
  const whole = (n: unknown) => typeof n === 'number' && Number.isInteger(n);
  const { window_days: window, at_risk_below: atRisk, off_track_below: offTrack } = settings;
  if (!whole(window) || (window ?? 0) < 1 || (window ?? 0) > 365) {
    errors.window_days = 'The window is 1 to 365 days.';
  }
  if (!whole(atRisk) || (atRisk ?? 0) < 1) {
    errors.at_risk_below = 'At risk needs a whole number of at least 1.';
  }
  if (!whole(offTrack) || (offTrack ?? -1) < 0) {
    errors.off_track_below = 'Off track needs a whole number of at least 0.';
  } else if (whole(atRisk) && (offTrack ?? 0) >= (atRisk ?? 0)) {
    errors.off_track_below = 'Off track must be less than At risk.';
  }
  const reminder = settings.reminder_after_days;
  if (reminder !== null && reminder !== undefined && (!whole(reminder) || reminder < 0)) {
    errors.reminder_after_days = 'Reminders need a whole number of days (0 or more).';
  }
  return errors;
}

export function describeOnTrack(settings: OnTrackSettings | null | undefined): string {
  if (!settings?.enabled) return 'Off';
  const parts = [
    `${settings.window_days ?? 30}-day window`,
    `At risk below ${settings.at_risk_below ?? '?'}`,
    `Off track below ${settings.off_track_below ?? '?'}`,
  ];
  if (settings.reminder_after_days !== null && settings.reminder_after_days !== undefined) {
    parts.push(`reminder after ${settings.reminder_after_days} days`);
  }
  return parts.join(' · ');
}

/** Field errors from the API under a prefix (`on_track.window_days` → `window_days`). */
export function errorsUnder(
  errors: Record<string, string>,
  prefix: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] = message;
    else if (key === prefix) out._ = message;
  }
  return out;
}
