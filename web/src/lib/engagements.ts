// Engagement progress (SPEC §7, seed engagement-progress-tracking), as people read it.
// The API decides every status; these helpers only say it in words.
import type { Claims } from '../auth/session';
import type { EngagementStatus, EngagementType, Progress } from '../api/types';
import { addDays, formatDate, parseIsoDate } from './dates';

export const PROGRESS_LABEL: Record<Progress, string> = {
  on_track: 'On track',
  off_track: 'Off track',
  not_tracking: 'Not tracking',
};

export const TYPE_LABEL: Record<EngagementType, string> = {
  one_to_one: 'One-to-one',
  on_demand: 'On demand',
  coach_matching: 'Coach matching',
};

export const STATUS_LABEL: Record<EngagementStatus, string> = {
  draft: 'Draft',
  active: 'Active',
  matching: 'Matching',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** The status changes an administrator may make from each status (the API's rule:
 * draft → active | matching → completed | cancelled). */
export const NEXT_STATUSES: Record<EngagementStatus, EngagementStatus[]> = {
  draft: ['active', 'matching', 'cancelled'],
  active: ['completed', 'cancelled'],
  matching: ['active', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

interface Involved {
  owner_id: string;
  coach_id: string | null;
  location_id: string | null;
}

/** Owners and global admins, and location admins of the engagement's location. */
function administers(claims: Claims, engagement: Involved): boolean {
  if (claims.role === 'owner' || claims.role === 'admin') return true;
  return (
    claims.role === 'location_admin' &&
    engagement.location_id !== null &&
    claims.locationIds.includes(engagement.location_id)
  );
}

/** Who sees an engagement's progress (SPEC §7): its owner, owners and global admins,
 * location admins of its location, and its coach. The API already answers `-` to anyone
 * else; the app uses this only to explain a `-`. */
export function maySeeProgress(claims: Claims, engagement: Involved): boolean {
  if (claims.role === 'client') return false;
  if (administers(claims, engagement)) return true;
  return claims.sub === engagement.owner_id || claims.sub === engagement.coach_id;
}

/** Owners and admins, location admins of its location, and its owner change it. */
export function mayChangeEngagement(claims: Claims, engagement: Involved): boolean {
  if (claims.role === 'client') return false;
  return administers(claims, engagement) || claims.sub === engagement.owner_id;
}

interface Tracked extends Involved {
  status: EngagementStatus;
  progress: Progress;
  /** Unknown in report rows (they carry no settings). */
  threshold_days?: number | null;
}

/** Why the On/Off track column shows `-` (the seed's FAQ, in this engagement's terms). */
export function notTrackingReason(claims: Claims, engagement: Tracked): string {
  if (!maySeeProgress(claims, engagement)) {
    return 'Progress is shown only to the engagement’s owner, administrators and its coach.';
  }
  if (engagement.status !== 'active' && engagement.status !== 'matching') {
    return `Not tracked: the engagement is ${STATUS_LABEL[engagement.status].toLowerCase()}, not active.`;
  }
  if (engagement.threshold_days === null) {
    return 'Not tracked: progress tracking was off in its template when it launched.';
  }
  return 'Not tracked: the engagement is not active or has no progress tracking.';
}

/** Whole days from one calendar date to another. */
export function daysBetween(from: string, to: string): number {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  if (!a || !b) return 0;
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  );
}

export interface Activity {
  date: string;
  kind: 'session' | 'discovery_call';
}

interface OffTrack {
  type: EngagementType;
  off_track_since: string | null;
  started_on: string | null;
  coach_selected_on: string | null;
  threshold_days: number | null;
}

/** Why an engagement is Off track, e.g. "21 days since the last session on Sun 1 Mar 2026,
 * and nothing is booked." Off track since = last activity + threshold (SPEC §7), so the
 * last activity is known without the sessions; they only name what it was. */
export function offTrackReason(
  engagement: OffTrack,
  activities: Activity[],
  today: string,
  locale?: string,
): string | null {
  const { off_track_since: since, threshold_days: threshold } = engagement;
  if (!since || !threshold) return null;
  const last = addDays(since, -threshold);
  const matching = engagement.type === 'coach_matching';
  const call = activities.find((a) => a.date === last);
  let what: string;
  if (call) {
    what = call.kind === 'discovery_call' ? 'the last discovery call' : 'the last session';
  } else if (engagement.coach_selected_on === last) {
    what = 'the coach was selected';
  } else if (engagement.started_on === last) {
    what = matching ? 'coach matching started' : 'the engagement started';
  } else {
    what = matching ? 'the last discovery call' : 'the last session';
  }
  const days = Math.max(threshold, daysBetween(last, today));
  const booked = matching ? 'no discovery call is booked' : 'no session is booked';
  return `${days} days since ${what} on ${formatDate(last, locale)}, and ${booked}.`;
}

/** "3 weeks" for 21, "10 days" for 10: thresholds as the seed writes them. */
export function thresholdText(days: number | null | undefined): string {
  if (!days) return 'Off';
  if (days % 7 === 0) {
    const weeks = days / 7;
    return `${weeks} week${weeks === 1 ? '' : 's'}`;
  }
  return `${days} day${days === 1 ? '' : 's'}`;
}
