import { useState } from 'react';
import { usePersonName } from '../../api/queries';
import type { Package } from '../../api/types';
import { Card, CardList } from '../../components/Card';
import { AddButton } from '../../components/PageHead';
import { SkeletonLines } from '../../components/Skeleton';
import { LifecycleBadge, StatusBadge } from '../../components/StatusBadge';
import { CardTable, num } from '../../components/Table';
import { EditRowButton } from '../../components/VersionedEdit';
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

const COLUMNS = ['Pack', 'State', 'On track', num('Used'), num('Left'), 'Valid', ''];
const SKELETON = <SkeletonLines lines={3} label="Loading packs" />;
const EMPTY = 'No packs yet. Add one here, from an appointment or from an invoice.';

export function PackagesCard({ clientId }: { clientId: string }) {
  const packages = usePackages(clientId);
  const personName = usePersonName();
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  return (
    <Card
      title="Session packs"
      action={<AddButton small label="Add pack" onClick={() => setAdding(true)} />}
    >
      <CardList query={packages} rows={packages.data} skeleton={SKELETON} empty={EMPTY}>
        {(packs) => (
          <CardTable columns={COLUMNS}>
            {packs.map((pack) => (
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
                  <EditRowButton name={pack.name} onClick={() => setEditing(pack.id)} />
                </td>
              </tr>
            ))}
          </CardTable>
        )}
      </CardList>
      {editing ? (
        <PackageDialog packageId={editing} clientId={clientId} onClose={() => setEditing(null)} />
      ) : null}
      {adding ? <NewPackageDialog clientId={clientId} onClose={() => setAdding(false)} /> : null}
    </Card>
  );
}
