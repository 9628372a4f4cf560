import { useTimeZone } from '../../api/queries';
import { Card, CardList } from '../../components/Card';
import { ON_TRACK_COLUMNS, OnTrackCells } from '../../components/OnTrackCells';
import { TableSkeleton } from '../../components/Skeleton';
import { CardTable } from '../../components/Table';
import { useClientOnTrack } from './clientQueries';

const COLUMNS = ['Package', ...ON_TRACK_COLUMNS];
const SKELETON = <TableSkeleton columns={COLUMNS} rows={2} label="Loading On track" />;
const EMPTY = 'No packages to track yet.';

/** The client's rows of the On track report (SPEC §5): one per package. */
export function OnTrackCard({ clientId }: { clientId: string }) {
  const report = useClientOnTrack(clientId);
  const timeZone = useTimeZone();
  return (
    <Card title="On track" action={null}>
      <CardList query={report} rows={report.data?.items} skeleton={SKELETON} empty={EMPTY}>
        {(items) => (
          <CardTable columns={COLUMNS}>
            {items.map((row) => (
              <tr key={row.package_id} data-package={row.package_id}>
                <th scope="row">{row.package_name}</th>
                <OnTrackCells row={row} timeZone={timeZone} />
              </tr>
            ))}
          </CardTable>
        )}
      </CardList>
    </Card>
  );
}
