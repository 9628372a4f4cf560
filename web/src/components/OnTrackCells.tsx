import type { OnTrackReportRow } from '../api/types';
import { formatDate, formatDateTime } from '../lib/dates';
import { StatusBadge } from './StatusBadge';
import { num } from './Table';

type OnTrackFigures = Pick<
  OnTrackReportRow,
  'last_session' | 'days_since' | 'next_session_at' | 'next_session' | 'status' | 'outstanding'
>;

/** The heads of <OnTrackCells>. */
export const ON_TRACK_COLUMNS = [
  'Last session',
  num('Days since'),
  'Next session',
  'Status',
  num('Outstanding'),
];

/** A package's On track columns (the report's and the client record's): last session, days
 * since, next session (its time in the organization's timezone when booked), status in
 * colour and words, outstanding. */
export function OnTrackCells({ row, timeZone }: { row: OnTrackFigures; timeZone: string }) {
  return (
    <>
      <td>{formatDate(row.last_session)}</td>
      <td className="num">{row.days_since ?? '—'}</td>
      <td>
        {row.next_session_at
          ? formatDateTime(row.next_session_at, timeZone)
          : formatDate(row.next_session)}
      </td>
      <td>
        <StatusBadge status={row.status} />
      </td>
      <td className="num">{row.outstanding}</td>
    </>
  );
}
