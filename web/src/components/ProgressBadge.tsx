import type { Progress } from '../api/types';

/** The icon alone (decorative): a green check, a red exclamation, or `-`. */
export function ProgressIcon({ progress }: { progress: Progress }) {
  if (progress === 'on_track') {
    return (
      <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
        <circle cx="10" cy="10" r="10" fill="currentColor" />
        <path
          d="M5.5 10.5l3 3 6-7"
          fill="none"
          stroke="#fff"
          strokeWidth="2.2"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
    );
  }
  if (progress === 'off_track') {
    return (
      <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
        <circle cx="10" cy="10" r="10" fill="currentColor" />
        <rect x="8.9" y="4.2" width="2.2" height="7.6" rx="1.1" fill="#fff" />
        <circle cx="10" cy="15" r="1.35" fill="#fff" />
      </svg>
    );
  }
  return (
    <span className="progress-dash" aria-hidden="true">
      -
    </span>
  );
}

const CLASS: Record<Progress, string> = {
  on_track: 'progress progress-on',
  off_track: 'progress progress-off',
  not_tracking: 'progress progress-none',
};

/** The On/Off track column (seed engagement-progress-tracking): a green check for On track,
 * a red exclamation for Off track, `-` for not tracking. Each says its meaning in words to
 * screen readers; `-` also says why (`reason`), so it is never an unexplained blank. */
export function ProgressBadge({
  progress,
  reason,
  since,
  withText = false,
}: {
  progress: Progress;
  /** Why it is `-` (not tracked, or not yours to see). */
  reason?: string;
  /** "since Sun 22 Mar 2026" for Off track, when known. */
  since?: string | null;
  /** Show the words next to the icon (records); tables show the icon alone. */
  withText?: boolean;
}) {
  const words =
    progress === 'on_track'
      ? 'On track'
      : progress === 'off_track'
        ? `Off track${since ? ` since ${since}` : ''}`
        : `Not tracking${reason && !withText ? `. ${reason}` : ''}`;
  return (
    <span
      className={CLASS[progress]}
      data-progress={progress}
      title={progress === 'not_tracking' ? reason : undefined}
    >
      <ProgressIcon progress={progress} />
      <span className={withText ? 'progress-text' : 'visually-hidden'}>{words}</span>
    </span>
  );
}
