import { useTimeZone } from '../../api/queries';
import type { Appointment } from '../../api/types';
import { Card, CardList } from '../../components/Card';
import type { Loading } from '../../components/ErrorState';
import { AddButton } from '../../components/PageHead';
import { Pager, useLocalPager } from '../../components/Pager';
import { TableSkeleton } from '../../components/Skeleton';
import { AppointmentStatusBadge } from '../../components/StatusBadge';
import { CardTable } from '../../components/Table';
import { formatDateTime } from '../../lib/dates';
import {
  useClientPersonName,
  useNow,
  usePackages,
  usePastAppointments,
  useUpcomingAppointments,
} from './clientQueries';

const PAGE = 10;
const COLUMNS = ['When', 'Practitioner', 'Kind', 'Pack', 'Status'];
const SKELETON = <TableSkeleton columns={COLUMNS} rows={2} label="Loading appointments" />;

export function AppointmentsCard({
  clientId,
  onOpen,
}: {
  clientId: string;
  onOpen: (id: string) => void;
}) {
  const now = useNow();
  const { query: upcoming, pagerProps } = useUpcomingAppointments(clientId, now, 'appointments');
  const past = usePastAppointments(clientId, now, 'appointments');
  const pastPages = useLocalPager(past.data, PAGE);

  return (
    <Card
      title="Appointments"
      action={<AddButton small label="Book or record" onClick={() => onOpen('new')} />}
    >
      <h3>Upcoming</h3>
      <AppointmentTable
        clientId={clientId}
        query={upcoming}
        rows={upcoming.data?.items}
        onOpen={onOpen}
        empty="Nothing booked."
      />
      <Pager label="Upcoming appointments" {...pagerProps} busy={upcoming.isFetching} />
      <h3 style={{ marginTop: '1rem' }}>Past</h3>
      <AppointmentTable
        clientId={clientId}
        query={past}
        rows={pastPages.rows}
        onOpen={onOpen}
        empty="No past sessions."
      />
      <Pager label="Past appointments" {...pastPages.pagerProps} />
    </Card>
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
  query: Loading;
  rows: Appointment[] | undefined;
  onOpen: (id: string) => void;
  empty: string;
}) {
  const timeZone = useTimeZone();
  // A session's practitioner is one of the client's (booking assigns them).
  const personName = useClientPersonName(clientId);
  const packages = usePackages(clientId).data ?? [];
  return (
    <CardList query={query} rows={rows} skeleton={SKELETON} empty={empty}>
      {(items) => (
        <CardTable columns={COLUMNS} clickable>
          {items.map((a) => (
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
        </CardTable>
      )}
    </CardList>
  );
}
