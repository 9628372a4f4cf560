import { useId } from 'react';
import type { ReactNode } from 'react';
import { ErrorState, type Loading } from './ErrorState';

/** A card of a page: a region named by its heading. With an `action` (null for none yet)
 * the heading is a row with the action on its right. */
export function Card({
  title,
  action,
  className,
  children,
}: {
  title: ReactNode;
  action?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const titleId = useId();
  const heading = <h2 id={titleId}>{title}</h2>;
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={titleId}>
      {action === undefined ? (
        heading
      ) : (
        <div className="card-head">
          {heading}
          {action}
        </div>
      )}
      {children}
    </section>
  );
}

/** A card's list once it has loaded: until then the error (with Try again) or `skeleton`;
 * `empty` says so when there is nothing; else `children` show the rows. */
export function CardList<T>({
  query,
  rows,
  skeleton,
  empty,
  children,
}: {
  query: Loading;
  rows: T[] | undefined;
  skeleton: ReactNode;
  empty: ReactNode;
  children: (rows: T[]) => ReactNode;
}) {
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!rows) return skeleton;
  if (rows.length === 0) return <p className="empty-small">{empty}</p>;
  return children(rows);
}
