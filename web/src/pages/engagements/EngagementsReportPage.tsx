import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, notCsv, unwrap } from '../../api/client';
import type { Progress } from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { ColumnChooser, useColumns } from '../../components/ColumnChooser';
import { usePagedQuery } from '../../components/DataTable';
import { ErrorNotice } from '../../components/ErrorState';
import { ExportButton, useCsvExport } from '../../components/ExportCsv';
import { bindForm, TextField } from '../../components/Field';
import { PageHead } from '../../components/PageHead';
import { fieldErrorsOf } from '../../components/VersionedEdit';
import { formatDate, parseIsoDate } from '../../lib/dates';
import { notTrackingReason, PROGRESS_LABEL } from '../../lib/engagements';
import { ENGAGEMENT_COLUMNS, EngagementTable } from './EngagementTable';
import {
  EngagementTabs,
  engagementKeys,
  parseProgress,
  ProgressChoices,
  ProgressLegend,
} from './shared';

const PAGE_SIZE = 50;

interface Filters {
  progress: Progress | null;
  from: string;
  to: string;
}

function validDate(value: string | null): string {
  return value && parseIsoDate(value) ? value : '';
}

/** What is wrong with a date range before it is sent (the API says the same with 422). */
export function rangeErrors(filters: Filters): Record<string, string> {
  if (filters.from && filters.to && filters.from > filters.to) {
    return { off_track_since_to: 'The end of the range is before its start.' };
  }
  return {};
}

/** The Engagements report (seed engagement-progress-tracking): filter by On/Off track and
 * by an Off Track Since date range, then export exactly those rows as CSV. */
export default function EngagementsReportPage() {
  const claims = useClaims();
  const [params, setParams] = useSearchParams();
  const applied: Filters = {
    progress: parseProgress(params.get('progress')),
    from: validDate(params.get('since_from')),
    to: validDate(params.get('since_to')),
  };
  const [draft, setDraft] = useState<Filters>(applied);
  const [checked, setChecked] = useState(false);
  const csv = useCsvExport();
  const columns = useColumns('momentum.columns.engagement-report', ENGAGEMENT_COLUMNS);
  const filterKey = `${applied.progress ?? ''}|${applied.from}|${applied.to}`;

  const query = {
    progress: applied.progress ?? undefined,
    off_track_since_from: applied.from || undefined,
    off_track_since_to: applied.to || undefined,
  };
  const report = usePagedQuery({
    resetKey: filterKey,
    queryKey: (cursor) => [...engagementKeys.report, query, cursor],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/reports/engagements', {
          params: { query: { ...query, limit: PAGE_SIZE, cursor } },
        }),
      ).then(notCsv),
  });

  // What is wrong with the range before it is sent, else what the API said of it.
  const errors = { ...fieldErrorsOf(report.query.error), ...(checked ? rangeErrors(draft) : {}) };
  const { field } = bindForm(draft, setDraft);
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setChecked(true);
    if (Object.keys(rangeErrors(draft)).length) return;
    const next = new URLSearchParams();
    if (draft.progress) next.set('progress', draft.progress);
    if (draft.from) next.set('since_from', draft.from);
    if (draft.to) next.set('since_to', draft.to);
    setParams(next, { replace: true });
  };
  const clear = () => {
    setDraft({ progress: null, from: '', to: '' });
    setChecked(false);
    setParams(new URLSearchParams(), { replace: true });
  };

  const filtered = Boolean(applied.progress || applied.from || applied.to);
  return (
    <div className="page">
      <PageHead
        title="Engagements report"
        sub="Filter by progress and by when engagements went off track; the export holds exactly the rows the filters select."
        actions={
          <ExportButton
            exporting={csv.exporting}
            disabled={report.query.isError}
            onClick={() => void csv.run('/reports/engagements', query, 'engagements.csv')}
          />
        }
      />
      <EngagementTabs />
      <form className="filter-bar card" onSubmit={submit} noValidate aria-label="Report filters">
        <ProgressChoices
          name="report-progress"
          value={draft.progress}
          onChange={(progress) => setDraft({ ...draft, progress })}
        />
        <fieldset className="choice-group">
          <legend>Off track since</legend>
          <div className="date-range">
            <TextField
              label="From"
              type="date"
              {...field('from')}
              error={errors.off_track_since_from}
            />
            <TextField label="To" type="date" {...field('to')} error={errors.off_track_since_to} />
          </div>
        </fieldset>
        <div className="filter-actions">
          <button type="submit" className="button button-primary">
            View results
          </button>
          {filtered ? (
            <button type="button" className="button button-quiet" onClick={clear}>
              Clear filters
            </button>
          ) : null}
        </div>
      </form>
      <ErrorNotice error={csv.error} />
      <div className="toolbar">
        <p className="muted" role="status">
          {filtered
            ? [
                applied.progress ? PROGRESS_LABEL[applied.progress] : null,
                applied.from && applied.from === applied.to
                  ? `went off track on ${formatDate(applied.from)}`
                  : applied.from || applied.to
                    ? `off track since ${applied.from ? formatDate(applied.from) : 'any date'} – ${applied.to ? formatDate(applied.to) : 'today'}`
                    : null,
              ]
                .filter(Boolean)
                .join(', ')
                .replace(/^./, (c) => c.toUpperCase())
            : 'All engagements you can see'}
        </p>
        <ColumnChooser {...columns} />
      </div>
      <EngagementTable
        list={report}
        label="Engagements report"
        columns={columns.visible}
        idOf={(row) => row.engagement_id}
        loadingLabel="Loading the engagements report"
        empty={filtered ? 'No engagement matches these filters.' : 'No engagements yet.'}
        caption="Engagements report"
        noCoach={() => 'None'}
        notTracking={(row) => notTrackingReason(claims, row)}
      />
      {columns.isShown('progress') ? <ProgressLegend /> : null}
    </div>
  );
}
