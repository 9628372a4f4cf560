import { useCallback, useState } from 'react';

/** Cursor paging (SPEC §9: `limit` + opaque `next_cursor`): a stack of the cursors seen so
 * far, so Previous needs no cursor from the API. Reset it when the filters change. */
export function useCursorPager(resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: (string | null)[] }>({
    key: resetKey,
    cursors: [null],
  });
  const cursors = state.key === resetKey ? state.cursors : [null];
  const cursor = cursors[cursors.length - 1] ?? null;
  const next = useCallback(
    (nextCursor: string) =>
      setState((s) => ({
        key: resetKey,
        cursors: [...(s.key === resetKey ? s.cursors : [null]), nextCursor],
      })),
    [resetKey],
  );
  const previous = useCallback(
    () =>
      setState((s) => ({
        key: resetKey,
        cursors: s.key === resetKey && s.cursors.length > 1 ? s.cursors.slice(0, -1) : [null],
      })),
    [resetKey],
  );
  return { cursor, page: cursors.length, next, previous };
}

/** Pages of a list that is all here already (`size` rows a page), for <Pager>. */
export function useLocalPager<T>(items: T[] | undefined, size: number) {
  const [page, setPage] = useState(1);
  const pagerProps = {
    page,
    nextCursor: items && items.length > page * size ? 'more' : null,
    onNext: () => setPage((p) => p + 1),
    onPrevious: () => setPage((p) => Math.max(1, p - 1)),
  };
  return { rows: items?.slice((page - 1) * size, page * size), pagerProps, setPage };
}

export function Pager({
  page,
  nextCursor,
  onNext,
  onPrevious,
  label,
  busy = false,
}: {
  page: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  label: string;
  busy?: boolean;
}) {
  if (page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="button" disabled={page <= 1 || busy} onClick={onPrevious}>
        ← Previous
      </button>
      <span className="pager-page">Page {page}</span>
      <button
        type="button"
        className="button"
        disabled={!nextCursor || busy}
        onClick={() => nextCursor && onNext(nextCursor)}
      >
        Next →
      </button>
    </nav>
  );
}
