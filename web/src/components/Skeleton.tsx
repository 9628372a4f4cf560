import { columnsOf, type ColumnSpec } from './Table';

/** Placeholders shaped like what is coming, so a page is never blank while it loads. */
export function SkeletonLines({
  lines = 3,
  label = 'Loading',
}: {
  lines?: number;
  label?: string;
}) {
  return (
    <div className="skeleton-block" role="status" aria-live="polite">
      <span className="visually-hidden">{label}…</span>
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton" style={{ width: `${90 - ((i * 17) % 40)}%` }} />
      ))}
    </div>
  );
}

/** A table's skeleton: its column heads (not an actions column), rows of placeholders. */
export function TableSkeleton({
  columns: specs,
  rows = 8,
  label = 'Loading',
}: {
  columns: ColumnSpec[];
  rows?: number | undefined;
  label?: string;
}) {
  const columns = columnsOf(specs)
    .map((c) => c.label)
    .filter(Boolean);
  return (
    <div className="table-wrap" role="status" aria-live="polite">
      <span className="visually-hidden">{label}…</span>
      <table className="table" aria-hidden="true">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: rows }, (_, r) => (
            <tr key={r}>
              {columns.map((c, i) => (
                <td key={c}>
                  <span
                    className="skeleton"
                    style={{ width: `${50 + ((r * 7 + i * 13) % 45)}%` }}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
