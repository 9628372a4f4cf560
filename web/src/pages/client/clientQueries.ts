import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { allPages } from '../../api/allPages';
import { api, unwrap, unwrapVersioned } from '../../api/client';
import { keys, usePersonName } from '../../api/queries';
import type { Appointment, Package, PractitionerContact, Template } from '../../api/types';
import { useClaims } from '../../auth/SessionContext';
import { isManager } from '../../auth/session';
import { usePagedQuery } from '../../components/DataTable';

// Small per-client lists (packages, practitioners) and the templates stay short.
const MAX_PAGES = 20;

// Past sessions: at most 1,000 are gathered for the newest-first history.
const PAST_PAGES = 10;

// A card's page of upcoming sessions.
const UPCOMING_PAGE = 10;

/** "Now", fixed for the life of a card so its query keys stay stable. */
export function useNow(): string {
  return useMemo(() => new Date().toISOString(), []);
}

/** The client's sessions from `now` on, a page at a time (`scope` as for the past). */
export function useUpcomingAppointments(clientId: string, now: string, scope: string) {
  return usePagedQuery({
    resetKey: clientId,
    queryKey: (cursor) => [...keys.client(clientId), scope, 'upcoming', now, cursor],
    fetchPage: (cursor) =>
      unwrap(
        api.GET('/appointments', {
          params: { query: { client_id: clientId, from: now, limit: UPCOMING_PAGE, cursor } },
        }),
      ),
  });
}

/** The client's sessions before `now`, newest first: the API lists oldest first, so the
 * past is gathered and turned round here. `scope` keeps the portal's and the practice's
 * caches apart. */
export function usePastAppointments(clientId: string, now: string, scope: string) {
  return useQuery({
    queryKey: [...keys.client(clientId), scope, 'past-appointments', now],
    queryFn: async () => {
      const items = await allPages<Appointment>(
        (cursor) =>
          unwrap(
            api.GET('/appointments', {
              params: { query: { client_id: clientId, to: now, limit: 100, cursor } },
            }),
          ),
        PAST_PAGES,
      );
      return items.reverse();
    },
  });
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

/** Contact cards of the client's active assigned practitioners, in one request (the API
 * answers the client themself and whoever may see the client). The assigned ids are in the
 * key: a change of assignment reads them again. */
export function useClientPractitioners(clientId: string, ids: readonly string[]) {
  return useQuery({
    queryKey: [...keys.client(clientId), 'practitioners', ids],
    enabled: clientId !== '' && ids.length > 0,
    queryFn: () =>
      allPages<PractitionerContact>(
        (cursor) =>
          unwrap(
            api.GET('/clients/{client_id}/practitioners', {
              params: { path: { client_id: clientId }, query: { limit: 100, cursor } },
            }),
          ),
        MAX_PAGES,
      ),
  });
}

/** Names people on a client's pages: staff may not list the team, but may read the names of
 * the client's practitioners (who hold its sessions too); anyone else as `usePersonName`. */
export function useClientPersonName(clientId: string): (id: string | null | undefined) => string {
  const claims = useClaims();
  const personName = usePersonName();
  const ids = useClient(clientId).data?.data.assigned_practitioner_ids ?? [];
  // Administrators list the whole team already: no request for them.
  const cards = useClientPractitioners(clientId, isManager(claims.role) ? [] : ids).data;
  return (id) => {
    const card = id && id !== claims.sub ? cards?.find((c) => c.id === id) : undefined;
    return card ? card.name : personName(id);
  };
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
      allPages<Package>(
        (cursor) =>
          unwrap(
            api.GET('/clients/{client_id}/packages', {
              params: {
                path: { client_id: clientId },
                query: { ...(open ? { open: true } : {}), limit: 100, cursor },
              },
            }),
          ),
        MAX_PAGES,
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
      allPages<Template>(
        (cursor) =>
          unwrap(api.GET('/package-templates', { params: { query: { limit: 100, cursor } } })),
        MAX_PAGES,
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
