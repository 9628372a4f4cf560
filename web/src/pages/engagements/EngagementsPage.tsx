import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useLocationName, usePersonName } from '../../api/queries';
import type { Engagement, Progress } from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { isManager } from '../../auth/session';
import { ColumnChooser, useColumns, type ColumnDef } from '../../components/ColumnChooser';
import { ErrorState } from '../../components/ErrorState';
import { Pager, useCursorPager } from '../../components/Pager';
import { ProgressBadge } from '../../components/ProgressBadge';
import { TableSkeleton } from '../../components/Skeleton';
import { formatDate } from '../../lib/dates';
import { notTrackingReason, PROGRESS_LABEL, STATUS_LABEL, TYPE_LABEL } from '../../lib/engagements';
import { NewEngagementButton } from './NewEngagement';
import {
  EngagementTabs,
  engagementKeys,
  FilterButton,
  parseProgress,
  ProgressChoices,
  ProgressLegend,
} from './shared';

const PAGE_SIZE = 50;

type ColumnId =
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

export const ENGAGEMENT_COLUMNS: ColumnDef<ColumnId>[] = [
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

/** The Engagements page (seed engagement-progress-tracking): every engagement the person
 * may see, with the On/Off track column (shown or hidden from "Columns") and the progress
 * filter that applies on "View results". */
export default function EngagementsPage() {
  const claims = useClaims();
  const navigate = useNavigate();
  const personName = usePersonName();
  const locationName = useLocationName();
  const [params, setParams] = useSearchParams();
  const progress = parseProgress(params.get('progress'));
  const [draft, setDraft] = useState<Progress | null>(progress);
  const pager = useCursorPager(progress ?? '');
  const columns = useColumns('momentum.columns.engagements', ENGAGEMENT_COLUMNS);
  const shown = new Set(columns.visible.map((c) => c.id));

  const page = useQuery({
    queryKey: engagementKeys.list(progress, pager.cursor),
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/engagements', {
          params: {
            query: {
              progress: progress ?? undefined,
              limit: PAGE_SIZE,
              cursor: pager.cursor ?? undefined,
            },
          },
        }),
      ),
  });

  const apply = (value: Progress | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set('progress', value);
    else next.delete('progress');
    setParams(next, { replace: true });
  };

  const cell = (e: Engagement, id: ColumnId) => {
    switch (id) {
      case 'coachee':
        return e.coachee_name ?? '—';
      case 'coach':
        return e.coach_id ? (
          personName(e.coach_id)
        ) : (
          <span className="muted">{e.type === 'coach_matching' ? 'Being matched' : 'None'}</span>
        );
      case 'owner':
        return personName(e.owner_id);
      case 'type':
        return TYPE_LABEL[e.type];
      case 'status':
        return <span className={`pill pill-eng-${e.status}`}>{STATUS_LABEL[e.status]}</span>;
      case 'location':
        return locationName(e.location_id);
      case 'started':
        return formatDate(e.started_on);
      case 'progress':
        return (
          <ProgressBadge
            progress={e.progress}
            since={e.off_track_since ? formatDate(e.off_track_since) : null}
            reason={
              e.progress === 'not_tracking'
                ? notTrackingReason(claims, { ...e, threshold_days: e.tracking.threshold_days })
                : undefined
            }
          />
        );
      case 'since':
        return e.off_track_since ? formatDate(e.off_track_since) : '—';
      default:
        return null;
    }
  };

  const rows = page.data?.items;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Engagements</h1>
          <p className="page-sub">
            Coaching engagements and whether each is on track. Open one for its sessions and
            history.
          </p>
        </div>
        {isManager(claims.role) ? (
          <div className="page-actions">
            <NewEngagementButton onCreated={(id) => void navigate(`/app/engagements/${id}`)} />
          </div>
        ) : null}
      </div>
      <EngagementTabs />
      <div className="toolbar">
        <div className="toolbar-fields">
          <FilterButton
            active={progress ? 1 : 0}
            onOpen={() => setDraft(progress)}
            onApply={() => apply(draft)}
          >
            <ProgressChoices name="progress" value={draft} onChange={setDraft} />
          </FilterButton>
          {progress ? (
            <span className="chip">
              On/Off track: {PROGRESS_LABEL[progress]}
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove the filter On/Off track: ${PROGRESS_LABEL[progress]}`}
                onClick={() => apply(null)}
              >
                ×
              </button>
            </span>
          ) : null}
        </div>
        <ColumnChooser
          columns={ENGAGEMENT_COLUMNS}
          isShown={columns.isShown}
          toggle={columns.toggle}
        />
      </div>
      {page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : !rows ? (
        <TableSkeleton
          columns={columns.visible.map((c) => c.label)}
          label="Loading the engagements"
        />
      ) : rows.length === 0 ? (
        <div className="empty">
          {progress
            ? `No engagement is ${PROGRESS_LABEL[progress].toLowerCase()} now.`
            : 'No engagements yet.'}
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table table-rows" aria-busy={page.isFetching}>
            <caption className="visually-hidden">
              Engagements{progress ? `, ${PROGRESS_LABEL[progress]}` : ''}
            </caption>
            <thead>
              <tr>
                {columns.visible.map((c) => (
                  <th key={c.id} scope="col" className={c.id === 'progress' ? 'center' : undefined}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr
                  key={e.id}
                  onClick={(event) => {
                    if ((event.target as HTMLElement).closest('a')) return;
                    void navigate(`/app/engagements/${e.id}`);
                  }}
                >
                  <th scope="row">
                    <Link to={`/app/engagements/${e.id}`}>{e.name}</Link>
                  </th>
                  {columns.visible
                    .filter((c) => c.id !== 'name')
                    .map((c) => (
                      <td key={c.id} className={c.id === 'progress' ? 'center' : undefined}>
                        {cell(e, c.id)}
                      </td>
                    ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="Engagements"
        page={pager.page}
        nextCursor={page.data?.next_cursor}
        onNext={pager.next}
        onPrevious={pager.previous}
        busy={page.isFetching}
      />
      {shown.has('progress') ? <ProgressLegend /> : null}
    </div>
  );
}
