import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { useTimeZone } from '../api/queries';
import { useClaims } from '../auth/SessionContext';
import { ErrorState } from '../components/ErrorState';
import { SkeletonLines } from '../components/Skeleton';
import { AppointmentStatusBadge } from '../components/StatusBadge';
import { formatDateTime } from '../lib/dates';

/** A client's first look at their own record; the full portal comes with part 2. */
export default function PortalPage() {
  const claims = useClaims();
  const timeZone = useTimeZone();
  const clientId = claims.clientId ?? '';
  const now = new Date().toISOString();
  const upcoming = useQuery({
    queryKey: ['portal', clientId, 'upcoming'],
    enabled: clientId !== '',
    queryFn: () =>
      unwrap(
        api.GET('/appointments', {
          params: { query: { client_id: clientId, from: now, limit: 20 } },
        }),
      ),
  });
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>My portal</h1>
          <p className="page-sub">
            Your upcoming sessions. More of your record will appear here soon.
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">Upcoming sessions</h2>
        {upcoming.isError ? (
          <ErrorState error={upcoming.error} />
        ) : !upcoming.data ? (
          <SkeletonLines lines={3} label="Loading your sessions" />
        ) : upcoming.data.items.length === 0 ? (
          <p className="empty-small">Nothing booked.</p>
        ) : (
          <ul className="list-plain">
            {upcoming.data.items.map((a) => (
              <li key={a.id}>
                {formatDateTime(a.starts_at, timeZone)} <AppointmentStatusBadge status={a.status} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
