import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { QueryKey } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import type { ComponentProps, ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ErrorState, type Loading } from './ErrorState';
import { Pager, useCursorPager } from './Pager';
import { TableSkeleton } from './Skeleton';
import { TableHead, type ColumnSpec } from './Table';

/** One page of a list as the API returns it (SPEC §9: `limit` + `next_cursor`). */
export interface ListPage<T> {
  items: T[];
  next_cursor?: string | null;
}

/** A server-paged list: the cursor pager (reset when `resetKey` changes) and the query of
 * the current page, which keeps showing the previous page while the next one loads.
 * `pagerProps` go to <Pager>. */
export function usePagedQuery<P extends ListPage<unknown>>({
  resetKey,
  queryKey,
  fetchPage,
  enabled,
}: {
  resetKey: string;
  queryKey: (cursor: string | null) => QueryKey;
  fetchPage: (cursor: string | undefined) => Promise<P>;
  enabled?: boolean;
}) {
  const pager = useCursorPager(resetKey);
  const query = useQuery({
    queryKey: queryKey(pager.cursor),
    placeholderData: keepPreviousData,
    queryFn: () => fetchPage(pager.cursor ?? undefined),
    ...(enabled === undefined ? {} : { enabled }),
  });
  const pagerProps = {
    page: pager.page,
    nextCursor: query.data?.next_cursor,
    onNext: pager.next,
    onPrevious: pager.previous,
  };
  return { query, pager, pagerProps };
}

interface DataTableProps<T> {
  query: Loading;
  rows: T[] | undefined;
  columns: ColumnSpec[];
  loadingLabel: string;
  skeletonRows?: number;
  empty: ReactNode;
  caption?: ReactNode;
  /** aria-busy while a new page or filter loads over the rows shown. */
  busy?: boolean;
  rowKey: (row: T) => string;
  rowHref?: (row: T) => string;
  /** Instead of `rowHref`: what a click on a row does (its first cell should hold a button). */
  onRowClick?: (row: T) => void;
  renderRow: (row: T) => ReactNode;
  /** Below the table (the pager), shown with the rows it belongs to: not under the
   * skeleton, where the rows arriving would push it down (a layout shift). */
  footer?: ReactNode;
}

/** A list page's table, with what stands in for it: the error (with Try again), a skeleton
 * of its columns while the first page loads, or the empty message. An empty column label
 * is an actions column (its header read out as "Actions"). With `rowHref` (or `onRowClick`)
 * a click anywhere on a row opens it (its first cell should hold the link, for the
 * keyboard). */
export function DataTable<T>({
  query,
  rows: latestRows,
  columns,
  loadingLabel,
  skeletonRows,
  empty,
  caption,
  busy,
  rowKey,
  rowHref,
  onRowClick,
  renderRow,
  footer,
}: DataTableProps<T>) {
  const navigate = useNavigate();
  const open = rowHref ? (row: T) => void navigate(rowHref(row)) : onRowClick;
  // A page of rows renders in the background (a transition React interrupts every few
  // milliseconds), so the main thread is never blocked for the whole page at once; until it
  // is ready the skeleton or the previous page stays.
  const rows = useDeferredValue(latestRows);
  if (query.isError) {
    return (
      <>
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        {footer}
      </>
    );
  }
  if (!rows) {
    return <TableSkeleton columns={columns} rows={skeletonRows} label={loadingLabel} />;
  }
  if (rows.length === 0) {
    return (
      <>
        <div className="empty">{empty}</div>
        {footer}
      </>
    );
  }
  return (
    <>
      <div className="table-wrap">
        <table className={open ? 'table table-rows' : 'table'} aria-busy={busy}>
          {caption ? <caption className="visually-hidden">{caption}</caption> : null}
          <TableHead columns={columns} />
          <tbody>
            {rows.map((row) => (
              <tr
                key={rowKey(row)}
                onClick={
                  open
                    ? (event) => {
                        // A link or a button in the row does its own thing.
                        if ((event.target as HTMLElement).closest('a,button')) return;
                        open(row);
                      }
                    : undefined
                }
              >
                {renderRow(row)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {footer}
    </>
  );
}

/** A list page's table of a server-paged list (`list`, from usePagedQuery), a page at a time,
 * with its pager below. `label` names both ("Loading invoices…", "Invoices pages"). Rows are
 * keyed by their id. With `busy` the loading of another page shows (on the table, and the
 * pager waits for it). */
export function PagedTable<T extends { id: string }>({
  list: { query, pagerProps },
  label,
  loadingLabel = `Loading ${label.toLowerCase()}`,
  busy = false,
  ...table
}: Omit<DataTableProps<T>, 'query' | 'rows' | 'rowKey' | 'footer' | 'busy' | 'loadingLabel'> & {
  list: {
    query: Loading & { data?: ListPage<T> | undefined; isFetching: boolean };
    pagerProps: Omit<ComponentProps<typeof Pager>, 'label'>;
  };
  label: string;
  loadingLabel?: string;
  busy?: boolean;
}) {
  const fetching = busy ? query.isFetching : undefined;
  return (
    <DataTable
      {...table}
      query={query}
      rows={query.data?.items}
      loadingLabel={loadingLabel}
      busy={fetching}
      rowKey={(row) => row.id}
      footer={<Pager label={label} {...pagerProps} busy={fetching} />}
    />
  );
}
