import type React from 'react';
import { formatDate } from '../lib/dates';

interface BannerData {
  note: string;
  color: string;
  sessions: number;
  used: number;
  remaining: number;
  begin_date: string;
  end_date?: string | null;
  ended: boolean;
}

/** A session tracker as a coloured banner (seed: session-tracker): used, remaining, ended. */
export function TrackerBanner({
  tracker,
  children,
}: {
  tracker: BannerData;
  children?: React.ReactNode;
}) {
  const range = tracker.end_date
    ? `${formatDate(tracker.begin_date)} – ${formatDate(tracker.end_date)}`
    : `From ${formatDate(tracker.begin_date)}`;
  return (
    <div
      className={`tracker${tracker.ended ? ' tracker-ended' : ''}`}
      style={{ '--tracker-color': tracker.color } as React.CSSProperties}
      data-testid="tracker"
    >
      <div className="tracker-main">
        <div className="tracker-note">{tracker.note || 'Session tracker'}</div>
        <div className="tracker-meta">
          {range}
          {tracker.ended ? ' · Ended: no longer counting' : ''}
        </div>
      </div>
      <div className="tracker-count">
        {tracker.used} of {tracker.sessions} used · {tracker.remaining} left
      </div>
      {tracker.ended ? <span className="pill">Ended</span> : null}
      {children}
    </div>
  );
}
