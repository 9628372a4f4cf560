import { useState } from 'react';
import { usePersonName } from '../../api/queries';
import type { Package } from '../../api/types';
import { ErrorState } from '../../components/ErrorState';
import { SkeletonLines } from '../../components/Skeleton';
import { LifecycleBadge, StatusBadge } from '../../components/StatusBadge';
import { formatDate } from '../../lib/dates';
import { usePackages } from './clientQueries';
import { NewPackageDialog, PackageDialog } from './PackageDialog';

export function packageSize(pack: {
  type: Package['type'];
  size?: number | null;
  unit?: string;
  period?: string | null;
}): string {
  if (pack.type === 'usage') return 'Pay as you go';
  const unit = pack.unit === 'hours' ? 'hours' : 'sessions';
  if (pack.type === 'subscription')
    return `${pack.size ?? '?'} ${unit} per ${pack.period ?? 'period'}`;
  return `${pack.size ?? '?'} ${unit}`;
}

export function PackagesCard({ clientId }: { clientId: string }) {
  const packages = usePackages(clientId);
  const personName = usePersonName();
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  return (
    <section className="card" aria-labelledby="packages-title">
      <div className="card-head">
        <h2 id="packages-title">Session packs</h2>
        <button type="button" className="button button-small" onClick={() => setAdding(true)}>
          + Add pack
        </button>
      </div>
      {packages.isError ? (
        <ErrorState error={packages.error} onRetry={() => void packages.refetch()} />
      ) : !packages.data ? (
        <SkeletonLines lines={3} label="Loading packs" />
      ) : packages.data.length === 0 ? (
        <p className="empty-small">
          No packs yet. Add one here, from an appointment or from an invoice.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Pack</th>
                <th scope="col">State</th>
                <th scope="col">On track</th>
                <th scope="col" className="num">
                  Used
                </th>
                <th scope="col" className="num">
                  Left
                </th>
                <th scope="col">Valid</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {packages.data.map((pack) => (
                <tr key={pack.id} data-package={pack.id}>
                  <th scope="row">
                    {pack.name}
                    {pack.preferred ? (
                      <span className="pill pill-prospect" style={{ marginLeft: 6 }}>
                        Preferred
                      </span>
                    ) : null}
                    <div className="muted" style={{ fontWeight: 400, fontSize: '0.85rem' }}>
                      {packageSize(pack)}
                      {pack.assigned_team_member_id
                        ? ` · ${personName(pack.assigned_team_member_id)}`
                        : ''}
                      {pack.authorization
                        ? ` · ${pack.authorization.source === 'insurer' ? 'Insurer' : 'Referrer'} ${pack.authorization.name ?? ''} ${pack.authorization.reference ?? ''}`
                        : ''}
                    </div>
                  </th>
                  <td>
                    <LifecycleBadge lifecycle={pack.lifecycle} />
                  </td>
                  <td>
                    <StatusBadge status={pack.status} />
                  </td>
                  <td className="num">
                    {pack.unit === 'hours' ? `${pack.used_hours} h` : pack.used_sessions}
                  </td>
                  <td className="num">{pack.outstanding}</td>
                  <td>
                    {formatDate(pack.start_date)} –{' '}
                    {pack.end_date ? formatDate(pack.end_date) : 'no end'}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setEditing(pack.id)}
                    >
                      Edit<span className="visually-hidden"> {pack.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing ? (
        <PackageDialog packageId={editing} clientId={clientId} onClose={() => setEditing(null)} />
      ) : null}
      {adding ? <NewPackageDialog clientId={clientId} onClose={() => setAdding(false)} /> : null}
    </section>
  );
}
