import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { keys, useTimeZone } from '../../api/queries';
import type { Appointment } from '../../api/types';
import { ErrorState } from '../../components/ErrorState';
import { Pager, useCursorPager } from '../../components/Pager';
import { TableSkeleton } from '../../components/Skeleton';
import { AppointmentStatusBadge } from '../../components/StatusBadge';
import { formatDateTime } from '../../lib/dates';
import { useClientPersonName, usePackages, usePastAppointments } from './clientQueries';

const PAGE = 10;
const COLUMNS = ['When', 'Practitioner', 'Kind', 'Pack', 'Status'];

export function AppointmentsCard({
  clientId,
  onOpen,
}: {
  clientId: string;
  onOpen: (id: string) => void;
}) {
  // "Now" is fixed for the life of the card so the query keys stay stable.
  const now = useMemo(() => new Date().toISOString(), []);
  const pager = useCursorPager(clientId);
  const [pastPage, setPastPage] = useState(1);
  const upcoming = useQuery({
    queryKey: [...keys.client(clientId), 'appointments', 'upcoming', now, pager.cursor],
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET('/appointments', {
          params: {
            query: {
              client_id: clientId,
              from: now,
              limit: PAGE,
              cursor: pager.cursor ?? undefined,
            },
          },
        }),
      ),
  });
  const past = usePastAppointments(clientId, now, 'appointments');
  const pastRows = past.data?.slice((pastPage - 1) * PAGE, pastPage * PAGE);

  return (
    <section className="card" aria-labelledby="appointments-title">
      <div className="card-head">
        <h2 id="appointments-title">Appointments</h2>
        <button type="button" className="button button-small" onClick={() => onOpen('new')}>
          + Book or record
        </button>
      </div>
      <h3>Upcoming</h3>
      <AppointmentTable
        clientId={clientId}
        query={upcoming}
        rows={upcoming.data?.items}
        onOpen={onOpen}
        empty="Nothing booked."
      />
      <Pager
        label="Upcoming appointments"
        page={pager.page}
        nextCursor={upcoming.data?.next_cursor}
        onNext={pager.next}
        onPrevious={pager.previous}
        busy={upcoming.isFetching}
      />
      <h3 style={{ marginTop: '1rem' }}>Past</h3>
      <AppointmentTable
        clientId={clientId}
        query={past}
        rows={pastRows}
        onOpen={onOpen}
        empty="No past sessions."
      />
      <Pager
        label="Past appointments"
        page={pastPage}
        nextCursor={past.data && past.data.length > pastPage * PAGE ? 'more' : null}
        onNext={() => setPastPage((p) => p + 1)}
        onPrevious={() => setPastPage((p) => Math.max(1, p - 1))}
      />
    </section>
  );
}

function AppointmentTable({
  clientId,
  query,
  rows,
  onOpen,
  empty,
}: {
  clientId: string;
  query: { isError: boolean; error: unknown; refetch: () => unknown };
  rows: Appointment[] | undefined;
  onOpen: (id: string) => void;
  empty: string;
}) {
  const timeZone = useTimeZone();
  // A session's practitioner is one of the client's (booking assigns them).
  const personName = useClientPersonName(clientId);
  const packages = usePackages(clientId).data ?? [];
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!rows) return <TableSkeleton columns={COLUMNS} rows={2} label="Loading appointments" />;
  if (rows.length === 0) return <p className="empty-small">{empty}</p>;
  return (
    <div className="table-wrap">
      <table className="table table-rows">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr
              key={a.id}
              onClick={(e) => !(e.target as HTMLElement).closest('button') && onOpen(a.id)}
            >
              <th scope="row">
                <button type="button" className="linklike" onClick={() => onOpen(a.id)}>
                  {formatDateTime(a.starts_at, timeZone)}
                </button>
              </th>
              <td>{personName(a.practitioner_id)}</td>
              <td>{a.kind === 'discovery_call' ? 'Discovery call' : 'Session'}</td>
              <td>
                {a.package_id ? (
                  (packages.find((p) => p.id === a.package_id)?.name ?? 'Pack')
                ) : (
                  <span className="muted">No pack</span>
                )}
              </td>
              <td>
                <AppointmentStatusBadge status={a.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
