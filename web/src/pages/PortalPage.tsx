import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { api, unwrap } from '../api/client';
import { keys, useOrg, useTimeZone } from '../api/queries';
import { ApiError } from '../api/problem';
import type { Appointment, Client, Package, PractitionerContact } from '../api/types';
import { refusalNotice } from '../auth/access';
import { useClaims, useSession } from '../auth/SessionContext';
import { ErrorState } from '../components/ErrorState';
import { Pager, useCursorPager } from '../components/Pager';
import { SkeletonLines, TableSkeleton } from '../components/Skeleton';
import { AppointmentStatusBadge, StatusBadge } from '../components/StatusBadge';
import { formatDate, formatDateTime } from '../lib/dates';
import { AvailabilityCard } from './client/AvailabilityCard';
import {
  useClient,
  useClientPractitioners,
  usePackages,
  usePastAppointments,
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
  if (client.isError) {
    return (
      <div className="page">
        <ErrorState error={client.error} onRetry={() => void client.refetch()} />
      </div>
    );
  }
  if (!client.data) {
    return (
      <div className="page">
        <SkeletonLines lines={2} label="Loading your portal" />
        <div className="grid-2">
          <div className="card">
            <SkeletonLines lines={6} label="Loading your sessions" />
          </div>
          <div className="card">
            <SkeletonLines lines={6} label="Loading your details" />
          </div>
        </div>
      </div>
    );
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
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Package</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
  );
}

function UpcomingCard({ clientId }: { clientId: string }) {
  // "Now" is fixed for the life of the card so the query keys stay stable.
  const now = useMemo(() => new Date().toISOString(), []);
  const pager = useCursorPager(clientId);
  const upcoming = useQuery({
    queryKey: [...keys.client(clientId), 'portal', 'upcoming', now, pager.cursor],
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
  return (
    <section className="card" aria-labelledby="upcoming-title">
      <h2 id="upcoming-title">Upcoming sessions</h2>
      {upcoming.isError ? (
        <ErrorState error={upcoming.error} onRetry={() => void upcoming.refetch()} />
      ) : !upcoming.data ? (
        <TableSkeleton columns={['When', 'What', 'Package', 'Status']} rows={2} label="Loading" />
      ) : upcoming.data.items.length === 0 ? (
        <p className="empty-small">Nothing booked. Your practice books your sessions with you.</p>
      ) : (
        <SessionsTable clientId={clientId} rows={upcoming.data.items} label="Upcoming sessions" />
      )}
      <Pager
        label="Upcoming sessions"
        page={pager.page}
        nextCursor={upcoming.data?.next_cursor}
        onNext={pager.next}
        onPrevious={pager.previous}
        busy={upcoming.isFetching}
      />
    </section>
  );
}

function HistoryCard({ clientId }: { clientId: string }) {
  const now = useMemo(() => new Date().toISOString(), []);
  const [page, setPage] = useState(1);
  const past = usePastAppointments(clientId, now, 'portal');
  const rows = past.data?.slice((page - 1) * PAGE, page * PAGE);
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">Service history</h2>
      {past.isError ? (
        <ErrorState error={past.error} onRetry={() => void past.refetch()} />
      ) : !rows ? (
        <TableSkeleton columns={['When', 'What', 'Package', 'Status']} rows={3} label="Loading" />
      ) : rows.length === 0 ? (
        <p className="empty-small">No sessions yet.</p>
      ) : (
        <SessionsTable clientId={clientId} rows={rows} label="Service history" />
      )}
      <Pager
        label="Service history"
        page={page}
        nextCursor={past.data && past.data.length > page * PAGE ? 'more' : null}
        onNext={() => setPage((p) => p + 1)}
        onPrevious={() => setPage((p) => Math.max(1, p - 1))}
      />
    </section>
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
    <section className="card" aria-labelledby="packages-title">
      <h2 id="packages-title">My packages</h2>
      {packages.isError ? (
        <ErrorState error={packages.error} onRetry={() => void packages.refetch()} />
      ) : !open ? (
        <SkeletonLines lines={3} label="Loading your packages" />
      ) : open.length === 0 ? (
        <p className="empty-small">No open packages.</p>
      ) : (
        <ul className="portal-packages">
          {open.map((p) => (
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
    </section>
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
    <section className="card" aria-labelledby="practitioners-title">
      <h2 id="practitioners-title">My practitioners</h2>
      {ids.length === 0 ? (
        <p className="empty-small">
          No practitioner is assigned to you yet; {practice} will assign one.
        </p>
      ) : people.isError ? (
        <ErrorState error={people.error} onRetry={() => void people.refetch()} />
      ) : !people.data ? (
        <SkeletonLines lines={2} label="Loading your practitioners" />
      ) : people.data.length === 0 ? (
        <p className="empty-small">
          None of your practitioners can be reached here at the moment; ask {practice} to put you in
          touch.
        </p>
      ) : (
        <ContactList people={people.data} />
      )}
    </section>
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
    <section className="card" aria-labelledby="details-title">
      <h2 id="details-title">My details</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{client.name}</dd>
        <dt>Email</dt>
        <dd>{client.email ?? <span className="muted">—</span>}</dd>
        <dt>Phone</dt>
        <dd>{client.phone ?? <span className="muted">—</span>}</dd>
      </dl>
      <p className="field-hint">To change these, ask your practice.</p>
    </section>
  );
}
