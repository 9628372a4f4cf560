import type { ReactNode } from 'react';

/** A column head: its words, and a class for its cells (`num` right-aligns figures). */
export interface TableColumn {
  label: string;
  className?: string | undefined;
}

export type ColumnSpec = string | TableColumn;

/** A column of figures (right-aligned). */
export function num(label: string): TableColumn {
  return { label, className: 'num' };
}

export function columnsOf(columns: ColumnSpec[]): TableColumn[] {
  return columns.map((c) => (typeof c === 'string' ? { label: c } : c));
}

/** A table's column heads. An empty label is an actions column, read out as "Actions". */
export function TableHead({ columns }: { columns: ColumnSpec[] }) {
  return (
    <thead>
      <tr>
        {columnsOf(columns).map((c, i) => (
          <th key={`${i}-${c.label}`} scope="col" className={c.className}>
            {c.label || <span className="visually-hidden">Actions</span>}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A short table on a card: its column heads (and a caption for screen readers), then the
 * rows. `clickable` rows open what they show. */
export function CardTable({
  columns,
  caption,
  clickable = false,
  children,
}: {
  columns: ColumnSpec[];
  caption?: string;
  clickable?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={clickable ? 'table table-rows' : 'table'}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
