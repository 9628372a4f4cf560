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
