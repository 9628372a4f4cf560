import type { ListPage } from '../components/DataTable';

/** Every item of a short list (pickers, names), read page by page with the API's cursor, up
 * to `maxPages` pages. */
export async function allPages<T>(
  load: (cursor: string | undefined) => Promise<ListPage<T>>,
  maxPages: number,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await load(cursor);
    items.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}
