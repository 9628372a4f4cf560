import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { keys, usePersonName, useTimeZone } from '../api/queries';
import { useClaims } from '../auth/SessionContext';
import { isManager } from '../auth/session';
import { PagedTable, usePagedQuery } from '../components/DataTable';
import { ErrorNotice } from '../components/ErrorState';
import { PageHead } from '../components/PageHead';
import { formatDate, formatDateTime } from '../lib/dates';
import { useUrlFilter } from '../lib/useUrlFilter';

const COLUMNS = ['Client', 'Tracker note', 'Why', 'Period', 'Assigned to', 'Created', ''];
const REASONS: Record<string, string> = {
  count_reached: 'Session count reached',
  end_date: 'End date passed',
};

/** Tracker tasks (seed: session-tracker): mine, and everyone's for administrators. */
export default function TasksPage() {
  const claims = useClaims();
  const manager = isManager(claims.role);
  const timeZone = useTimeZone();
  const personName = usePersonName();
  const queryClient = useQueryClient();
  const [params, set] = useUrlFilter();
  const everyone = manager && params.get('who') === 'everyone';
  const showDone = params.get('done') === 'yes';
  const tasks = usePagedQuery({
    resetKey: `${String(everyone)}|${String(showDone)}`,
    queryKey: (cursor) => [...keys.tasks, everyone, showDone, cursor],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/tasks', {
          params: {
            query: {
              assignee_id: everyone ? undefined : claims.sub,
              done: showDone ? undefined : false,
              limit: 50,
              cursor,
            },
          },
        }),
      ),
  });
  const markDone = useMutation({
    mutationFn: ({ id, done }: { id: string; done: boolean }) =>
      unwrap(api.PATCH('/tasks/{task_id}', { params: { path: { task_id: id } }, body: { done } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.tasks }),
  });

  return (
    <div className="page">
      <PageHead
        title="Tasks"
        sub="Made by session trackers when a count is reached or an end date passes."
      />
      <div className="toolbar">
        {manager ? (
          <fieldset className="segmented">
            <legend className="visually-hidden">Whose tasks</legend>
            {[
              { value: null, label: 'Mine' },
              { value: 'everyone', label: 'Everyone’s' },
            ].map((o) => (
              <label
                key={o.label}
                className={(o.value === 'everyone') === everyone ? 'segment segment-on' : 'segment'}
              >
                <input
                  type="radio"
                  name="who"
                  checked={(o.value === 'everyone') === everyone}
                  onChange={() => set('who', o.value)}
                />
                {o.label}
              </label>
            ))}
          </fieldset>
        ) : (
          <span />
        )}
        <label
          className="field-check"
          style={{ display: 'flex', gap: '0.4rem', alignItems: 'center' }}
        >
          <input
            type="checkbox"
            checked={showDone}
            onChange={(e) => set('done', e.target.checked ? 'yes' : null)}
          />
          Show done tasks too
        </label>
      </div>
      <ErrorNotice error={markDone.error} />
      <PagedTable
        list={tasks}
        label="Tasks"
        columns={COLUMNS}
        skeletonRows={4}
        empty={showDone ? 'No tasks.' : 'Nothing to do: no open tasks.'}
        renderRow={(t) => (
          <>
            <th scope="row">
              <Link to={`/app/clients/${t.client_id}`}>{t.client_name}</Link>
            </th>
            <td>{t.note || <span className="muted">—</span>}</td>
            <td>{REASONS[t.reason] ?? t.reason}</td>
            <td>
              {formatDate(t.period_begin)}
              {t.period_end ? ` – ${formatDate(t.period_end)}` : ''}
            </td>
            <td>{personName(t.assignee_id)}</td>
            <td>{formatDateTime(t.created_at, timeZone)}</td>
            <td>
              {t.done ? (
                <span className="pill pill-completed">Done</span>
              ) : (
                <button
                  type="button"
                  className="button button-small"
                  disabled={markDone.isPending}
                  onClick={() => markDone.mutate({ id: t.id, done: true })}
                >
                  Mark done<span className="visually-hidden"> for {t.client_name}</span>
                </button>
              )}
            </td>
          </>
        )}
      />
    </div>
  );
}
