import type { ComponentProps, ReactNode } from 'react';
import { Link } from 'react-router';
import { useLocationName, usePersonName } from '../../api/queries';
import type { EngagementReportRow } from '../../api/types';
import type { ColumnDef } from '../../components/ColumnChooser';
import { DataTable } from '../../components/DataTable';
import type { Loading } from '../../components/ErrorState';
import { Pager } from '../../components/Pager';
import { ProgressBadge } from '../../components/ProgressBadge';
import { formatDate } from '../../lib/dates';
import { STATUS_LABEL, TYPE_LABEL } from '../../lib/engagements';

export type EngagementColumnId =
  | 'name'
  | 'coachee'
  | 'coach'
  | 'owner'
  | 'type'
  | 'status'
  | 'location'
  | 'started'
  | 'progress'
  | 'since';

/** The columns of the Engagements page and of the report (each remembers its own choice). */
export const ENGAGEMENT_COLUMNS: ColumnDef<EngagementColumnId>[] = [
  { id: 'name', label: 'Engagement', fixed: true },
  { id: 'coachee', label: 'Coachee' },
  { id: 'coach', label: 'Coach' },
  { id: 'owner', label: 'Owner' },
  { id: 'type', label: 'Type' },
  { id: 'status', label: 'Status' },
  { id: 'location', label: 'Location' },
  { id: 'started', label: 'Started' },
  { id: 'progress', label: 'On/Off track' },
  { id: 'since', label: 'Off track since' },
];

/** What both an engagement and a report row say about an engagement. */
type EngagementRow = Pick<
  EngagementReportRow,
  | 'name'
  | 'coachee_name'
  | 'coach_id'
  | 'owner_id'
  | 'type'
  | 'status'
  | 'location_id'
  | 'started_on'
  | 'progress'
  | 'off_track_since'
>;

/** The engagements as a table of the chosen columns; a row opens the engagement. */
export function EngagementTable<T extends EngagementRow>({
  list: { query, pagerProps },
  label,
  columns,
  idOf,
  loadingLabel,
  empty,
  caption,
  noCoach,
  notTracking,
}: {
  /** The list a page at a time (usePagedQuery), and what its pager is called. */
  list: {
    query: Loading & { isFetching: boolean; data?: { items: T[] } | undefined };
    pagerProps: Omit<ComponentProps<typeof Pager>, 'label'>;
  };
  label: string;
  columns: ColumnDef<EngagementColumnId>[];
  idOf: (row: T) => string;
  loadingLabel: string;
  empty: ReactNode;
  caption: ReactNode;
  /** What the Coach column says when there is none. */
  noCoach: (row: T) => string;
  /** Why the On/Off track column shows `-`. */
  notTracking: (row: T) => string;
}) {
  const personName = usePersonName();
  const locationName = useLocationName();
  const cell = (row: T, id: EngagementColumnId): ReactNode => {
    switch (id) {
      case 'coachee':
        return row.coachee_name ?? '—';
      case 'coach':
        return row.coach_id ? (
          personName(row.coach_id)
        ) : (
          <span className="muted">{noCoach(row)}</span>
        );
      case 'owner':
        return personName(row.owner_id);
      case 'type':
        return TYPE_LABEL[row.type];
      case 'status':
        return <span className={`pill pill-eng-${row.status}`}>{STATUS_LABEL[row.status]}</span>;
      case 'location':
        return locationName(row.location_id);
      case 'started':
        return formatDate(row.started_on);
      case 'progress':
        return (
          <ProgressBadge
            progress={row.progress}
            since={row.off_track_since ? formatDate(row.off_track_since) : null}
            reason={row.progress === 'not_tracking' ? notTracking(row) : undefined}
          />
        );
      case 'since':
        return row.off_track_since ? formatDate(row.off_track_since) : '—';
      default:
        return null;
    }
  };
  const centred = (id: EngagementColumnId) => (id === 'progress' ? 'center' : undefined);
  return (
    <DataTable
      query={query}
      rows={query.data?.items}
      columns={columns.map((c) => ({ label: c.label, className: centred(c.id) }))}
      loadingLabel={loadingLabel}
      empty={empty}
      caption={caption}
      busy={query.isFetching}
      rowKey={idOf}
      rowHref={(row) => `/app/engagements/${idOf(row)}`}
      footer={<Pager label={label} {...pagerProps} busy={query.isFetching} />}
      renderRow={(row) => (
        <>
          <th scope="row">
            <Link to={`/app/engagements/${idOf(row)}`}>{row.name}</Link>
          </th>
          {columns
            .filter((c) => c.id !== 'name')
            .map((c) => (
              <td key={c.id} className={centred(c.id)}>
                {cell(row, c.id)}
              </td>
            ))}
        </>
      )}
    />
  );
}
