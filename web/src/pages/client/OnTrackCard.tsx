import { useTimeZone } from '../../api/queries';
import { ErrorState } from '../../components/ErrorState';
import { TableSkeleton } from '../../components/Skeleton';
import { OnTrackCells } from '../../components/OnTrackCells';
import { useClientOnTrack } from './clientQueries';

const COLUMNS = ['Package', 'Last session', 'Days since', 'Next session', 'Status', 'Outstanding'];

/** The client's rows of the On track report (SPEC §5): one per package. */
export function OnTrackCard({ clientId }: { clientId: string }) {
  const rows = useClientOnTrack(clientId);
  const timeZone = useTimeZone();
  return (
    <section className="card" aria-labelledby="ontrack-title">
      <div className="card-head">
        <h2 id="ontrack-title">On track</h2>
      </div>
      {rows.isError ? (
        <ErrorState error={rows.error} onRetry={() => void rows.refetch()} />
      ) : !rows.data ? (
        <TableSkeleton columns={COLUMNS} rows={2} label="Loading On track" />
      ) : rows.data.items.length === 0 ? (
        <p className="empty-small">No packages to track yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th
                    key={c}
                    scope="col"
                    className={c === 'Days since' || c === 'Outstanding' ? 'num' : undefined}
                  >
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.data.items.map((row) => (
                <tr key={row.package_id} data-package={row.package_id}>
                  <th scope="row">{row.package_name}</th>
                  <OnTrackCells row={row} timeZone={timeZone} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
