import { useSearchParams } from 'react-router';

/** Filters live in the URL, so they survive a reload and can be shared: the search params,
 * and a setter for one of them that replaces the history entry (an empty value removes it). */
export function useUrlFilter() {
  const [params, setParams] = useSearchParams();
  const setFilter = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return [params, setFilter] as const;
}
