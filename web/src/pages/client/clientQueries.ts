import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import { keys } from '../../api/queries';
import type { Package, Template } from '../../api/types';

const MAX_PAGES = 20;

/** Every page of a small per-client list (packages, trackers): these stay short. */
async function allPages<T>(
  load: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor?: string | null }>,
) {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await load(cursor);
    items.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}

export function useClient(clientId: string) {
  return useQuery({
    queryKey: keys.client(clientId),
    enabled: clientId !== '',
    queryFn: () =>
      unwrapVersioned(
        api.GET('/clients/{client_id}', { params: { path: { client_id: clientId } } }),
      ),
  });
}

export function useClientOnTrack(clientId: string) {
  return useQuery({
    queryKey: [...keys.client(clientId), 'on-track'],
    queryFn: () =>
      unwrap(
        api.GET('/clients/{client_id}/on-track', { params: { path: { client_id: clientId } } }),
      ),
  });
}

export function usePackages(clientId: string, open = false) {
  return useQuery({
    queryKey: [...keys.client(clientId), 'packages', { open }],
    queryFn: () =>
      allPages<Package>((cursor) =>
        unwrap(
          api.GET('/clients/{client_id}/packages', {
            params: {
              path: { client_id: clientId },
              query: { ...(open ? { open: true } : {}), limit: 100, cursor },
            },
          }),
        ),
      ),
  });
}

export function useTrackers(clientId: string) {
  return useQuery({
    queryKey: [...keys.client(clientId), 'trackers'],
    queryFn: () =>
      unwrap(
        api.GET('/clients/{client_id}/trackers', { params: { path: { client_id: clientId } } }),
      ),
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: [...keys.templates, 'all'],
    staleTime: 60_000,
    queryFn: () =>
      allPages<Template>((cursor) =>
        unwrap(api.GET('/package-templates', { params: { query: { limit: 100, cursor } } })),
      ),
  });
}

/** After anything that changes counts or statuses: everything that shows them reloads. */
export function useInvalidateClient(clientId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: keys.client(clientId) }),
      queryClient.invalidateQueries({ queryKey: keys.report }),
      queryClient.invalidateQueries({ queryKey: keys.appointments }),
      queryClient.invalidateQueries({ queryKey: ['package'] }),
      queryClient.invalidateQueries({ queryKey: keys.tasks }),
      queryClient.invalidateQueries({ queryKey: keys.clients }),
    ]);
}
