import { useEffect } from 'react';
import { useOrg, useTimeZone } from '../api/queries';
import { ApiError } from '../api/problem';
import type { Appointment, Client, Package, PractitionerContact } from '../api/types';
import { refusalNotice } from '../auth/access';
import { useClaims, useSession } from '../auth/SessionContext';
import { Card, CardList } from '../components/Card';
import { ErrorState } from '../components/ErrorState';
import { Pager, useLocalPager } from '../components/Pager';
import { RecordPageLoading } from '../components/RecordPage';
import { SkeletonLines, TableSkeleton } from '../components/Skeleton';
import { AppointmentStatusBadge, StatusBadge } from '../components/StatusBadge';
import { CardTable } from '../components/Table';
import { formatDate, formatDateTime } from '../lib/dates';
import { AvailabilityCard } from './client/AvailabilityCard';
import {
  useClient,
  useClientPractitioners,
  useNow,
  usePackages,
  usePastAppointments,
  useUpcomingAppointments,
} from './client/clientQueries';
import { CLIENT_EMAIL_KINDS, EmailSettings } from './EmailPreferences';

const PAGE = 10;

/** The client portal (seed clients-help: "see their upcoming sessions, review their service
 * history, get contact information on their assigned practitioners, update their
 * availability"). Everything is the client's own: the API answers a client token with their
 * record only, and leaves out what they may not see (notes; a package's On track status
 * unless the practice made it client-visible). */
export default function PortalPage() {
  const claims = useClaims();
  const { signOut } = useSession();
  const clientId = claims.clientId ?? '';
  const client = useClient(clientId);

  // A login removed, or the client made inactive, while signed in: the API refuses (403) and
  // says why; the person is signed out with that reason on the sign-in screen.
  const refused = client.error instanceof ApiError && client.error.status === 403;
  useEffect(() => {
    if (refused) signOut(refusalNotice(client.error, 'client') ?? undefined);
  }, [refused, client.error, signOut]);

  if (!clientId) {
    return (
      <div className="page">
        <ErrorState
          error={new ApiError(403, { detail: 'This sign-in is not linked to a client record.' })}
        />
      </div>
    );
  }
  if (client.isError || !client.data) {
    const loading = [
      'Loading your portal',
      'Loading your sessions',
      'Loading your details',
    ] as const;
    return <RecordPageLoading query={client} loading={loading} />;
  }
  return <Portal client={client.data.data} />;
}

function Portal({ client }: { client: Client }) {
  const org = useOrg().data?.data;
  const first = client.name.split(' ')[0] ?? client.name;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Hello, {first}</h1>
          <p className="page-sub">
            Your sessions, packages and details{org ? ` at ${org.name}` : ''}.
          </p>
        </div>
      </div>
      <div className="grid-2">
        <div>
          <UpcomingCard clientId={client.id} />
          <PackagesCard clientId={client.id} />
          <HistoryCard clientId={client.id} />
        </div>
        <div>
          <PractitionersCard client={client} />
          <AvailabilityCard client={client} self />
          <EmailSettings kinds={CLIENT_EMAIL_KINDS} title="Email preferences" />
          <DetailsCard client={client} />
        </div>
      </div>
    </div>
  );
}

function usePackageName(clientId: string): (id: string | null) => string | null {
  const packages = usePackages(clientId).data ?? [];
  return (id) => (id ? (packages.find((p) => p.id === id)?.name ?? null) : null);
}

const SESSION_COLUMNS = ['When', 'What', 'Package', 'Status'];
const LOADING_UPCOMING = <TableSkeleton columns={SESSION_COLUMNS} rows={2} />;
const NO_UPCOMING = 'Nothing booked. Your practice books your sessions with you.';
const LOADING_HISTORY = <TableSkeleton columns={SESSION_COLUMNS} rows={3} />;
const LOADING_PACKAGES = <SkeletonLines lines={3} label="Loading your packages" />;

function SessionsTable({
  clientId,
  rows,
  label,
}: {
  clientId: string;
  rows: Appointment[];
  label: string;
}) {
  const timeZone = useTimeZone();
  const packageName = usePackageName(clientId);
  return (
    <CardTable columns={SESSION_COLUMNS} caption={label}>
      {rows.map((a) => (
        <tr key={a.id}>
          <th scope="row">{formatDateTime(a.starts_at, timeZone)}</th>
          <td>{a.kind === 'discovery_call' ? 'Discovery call' : 'Session'}</td>
          <td>{packageName(a.package_id) ?? <span className="muted">—</span>}</td>
          <td>
            <AppointmentStatusBadge status={a.status} />
          </td>
        </tr>
      ))}
    </CardTable>
  );
}

function UpcomingCard({ clientId }: { clientId: string }) {
  const { query: upcoming, pagerProps } = useUpcomingAppointments(clientId, useNow(), 'portal');
  return (
    <Card title="Upcoming sessions">
      <CardList
        query={upcoming}
        rows={upcoming.data?.items}
        skeleton={LOADING_UPCOMING}
        empty={NO_UPCOMING}
      >
        {(items) => <SessionsTable clientId={clientId} rows={items} label="Upcoming sessions" />}
      </CardList>
      <Pager label="Upcoming sessions" {...pagerProps} busy={upcoming.isFetching} />
    </Card>
  );
}

function HistoryCard({ clientId }: { clientId: string }) {
  const past = usePastAppointments(clientId, useNow(), 'portal');
  const { rows, pagerProps } = useLocalPager(past.data, PAGE);
  return (
    <Card title="Service history">
      <CardList query={past} rows={rows} skeleton={LOADING_HISTORY} empty="No sessions yet.">
        {(items) => <SessionsTable clientId={clientId} rows={items} label="Service history" />}
      </CardList>
      <Pager label="Service history" {...pagerProps} />
    </Card>
  );
}

function left(pack: Package): string {
  if (pack.outstanding === 'N/A') return 'Pay as you go';
  const unit = pack.unit === 'hours' ? 'hour' : 'session';
  const n = pack.outstanding;
  return `${n} ${unit}${n === 1 ? '' : 's'} left`;
}

function PackagesCard({ clientId }: { clientId: string }) {
  const packages = usePackages(clientId);
  const open = packages.data?.filter((p) => p.open);
  return (
    <Card title="My packages">
      <CardList query={packages} rows={open} skeleton={LOADING_PACKAGES} empty="No open packages.">
        {(items) => (
          <ul className="portal-packages">
            {items.map((p) => (
              <li key={p.id} className="portal-package" data-testid="portal-package">
                <div>
                  <strong>{p.name}</strong>
                  <div className="muted">
                    {p.end_date ? `Valid until ${formatDate(p.end_date)}` : 'No end date'}
                    {p.last_session ? ` · last session ${formatDate(p.last_session)}` : ''}
                  </div>
                </div>
                <div className="portal-package-side">
                  <span className="portal-left">{left(p)}</span>
                  {/* The API sends a status only where the practice shares it (client_visible). */}
                  {p.status ? <StatusBadge status={p.status} /> : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </CardList>
    </Card>
  );
}

/** Contact details of the client's assigned practitioners (those still active), in one
 * request. */
function PractitionersCard({ client }: { client: Client }) {
  const org = useOrg().data?.data;
  const ids = client.assigned_practitioner_ids;
  const people = useClientPractitioners(client.id, ids);
  const practice = org?.name ?? 'your practice';
  return (
    <Card title="My practitioners">
      {ids.length === 0 ? (
        <p className="empty-small">
          No practitioner is assigned to you yet; {practice} will assign one.
        </p>
      ) : (
        <CardList
          query={people}
          rows={people.data}
          skeleton={<SkeletonLines lines={2} label="Loading your practitioners" />}
          empty={`None of your practitioners can be reached here at the moment; ask ${practice} to put you in touch.`}
        >
          {(items) => <ContactList people={items} />}
        </CardList>
      )}
    </Card>
  );
}

function ContactList({ people }: { people: PractitionerContact[] }) {
  return (
    <ul className="list-plain">
      {people.map((p) => (
        <li key={p.id}>
          <strong>{p.name}</strong>
          <div>
            <a href={`mailto:${p.email}`}>{p.email}</a>
            {p.phone ? (
              <>
                {' · '}
                <a href={`tel:${p.phone}`}>{p.phone}</a>
              </>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

function DetailsCard({ client }: { client: Client }) {
  return (
    <Card title="My details">
      <dl className="facts">
        <dt>Name</dt>
        <dd>{client.name}</dd>
        <dt>Email</dt>
        <dd>{client.email ?? <span className="muted">—</span>}</dd>
        <dt>Phone</dt>
        <dd>{client.phone ?? <span className="muted">—</span>}</dd>
      </dl>
      <p className="field-hint">To change these, ask your practice.</p>
    </Card>
  );
}
