import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Progress } from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { isManager } from '../../auth/session';
import { ColumnChooser, useColumns } from '../../components/ColumnChooser';
import { usePagedQuery } from '../../components/DataTable';
import { PageHead } from '../../components/PageHead';
import { notTrackingReason, PROGRESS_LABEL } from '../../lib/engagements';
import { useUrlFilter } from '../../lib/useUrlFilter';
import { ENGAGEMENT_COLUMNS, EngagementTable } from './EngagementTable';
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

/** The Engagements page (seed engagement-progress-tracking): every engagement the person
 * may see, with the On/Off track column (shown or hidden from "Columns") and the progress
 * filter that applies on "View results". */
export default function EngagementsPage() {
  const claims = useClaims();
  const navigate = useNavigate();
  const [params, setFilter] = useUrlFilter();
  const progress = parseProgress(params.get('progress'));
  const [draft, setDraft] = useState<Progress | null>(progress);
  const columns = useColumns('momentum.columns.engagements', ENGAGEMENT_COLUMNS);
  const shown = new Set(columns.visible.map((c) => c.id));

  const engagements = usePagedQuery({
    resetKey: progress ?? '',
    queryKey: (cursor) => engagementKeys.list(progress, cursor),
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/engagements', {
          params: { query: { progress: progress ?? undefined, limit: PAGE_SIZE, cursor } },
        }),
      ),
  });

  const apply = (value: Progress | null) => setFilter('progress', value);

  return (
    <div className="page">
      <PageHead
        title="Engagements"
        sub="Coaching engagements and whether each is on track. Open one for its sessions and history."
        actions={
          isManager(claims.role) ? (
            <NewEngagementButton onCreated={(id) => void navigate(`/app/engagements/${id}`)} />
          ) : null
        }
      />
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
        <ColumnChooser {...columns} />
      </div>
      <EngagementTable
        list={engagements}
        label="Engagements"
        columns={columns.visible}
        idOf={(e) => e.id}
        loadingLabel="Loading the engagements"
        empty={
          progress
            ? `No engagement is ${PROGRESS_LABEL[progress].toLowerCase()} now.`
            : 'No engagements yet.'
        }
        caption={`Engagements${progress ? `, ${PROGRESS_LABEL[progress]}` : ''}`}
        noCoach={(e) => (e.type === 'coach_matching' ? 'Being matched' : 'None')}
        notTracking={(e) =>
          notTrackingReason(claims, { ...e, threshold_days: e.tracking.threshold_days })
        }
      />
      {shown.has('progress') ? <ProgressLegend /> : null}
    </div>
  );
}
