import { useQuery } from '@tanstack/react-query';
import { useClaims } from '../auth/SessionContext';
import { isManager } from '../auth/session';
import { api, unwrap, unwrapVersioned } from './client';
import { ApiError } from './problem';
import type { UserListItem } from './types';

/** Query keys, in one place so a change can invalidate everything it touches. */
export const keys = {
  org: ['org'] as const,
  people: ['people'] as const,
  preferences: ['preferences'] as const,
  clients: ['clients'] as const,
  client: (id: string) => ['client', id] as const,
  appointments: ['appointments'] as const,
  appointment: (id: string) => ['appointment', id] as const,
  package: (id: string) => ['package', id] as const,
  report: ['report'] as const,
  templates: ['templates'] as const,
  tasks: ['tasks'] as const,
  invoices: ['invoices'] as const,
  users: ['users'] as const,
};

export function useOrg() {
  return useQuery({
    queryKey: keys.org,
    queryFn: () => unwrapVersioned(api.GET('/org')),
    staleTime: 5 * 60_000,
  });
}

/** The organization's timezone for formatting; UTC until it has loaded. */
export function useTimeZone(): string {
  return useOrg().data?.data.timezone ?? 'UTC';
}

export interface Person {
  id: string;
  name: string;
  role: UserListItem['role'];
  status: UserListItem['status'];
  location_ids: string[];
}

const MAX_PEOPLE_PAGES = 20;

/** The team, for names and pickers. Administrators list everyone; anyone else may read only
 * their own profile, so their directory is themself. */
export function usePeople() {
  const claims = useClaims();
  return useQuery({
    queryKey: [...keys.people, claims.sub, claims.role],
    staleTime: 5 * 60_000,
    queryFn: async (): Promise<Person[]> => {
      if (isManager(claims.role)) {
        const people: Person[] = [];
        let cursor: string | null | undefined = null;
        for (let i = 0; i < MAX_PEOPLE_PAGES; i++) {
          const page: { items: UserListItem[]; next_cursor?: string | null } = await unwrap(
            api.GET('/users', { params: { query: { limit: 100, cursor: cursor ?? undefined } } }),
          );
          people.push(...page.items);
          cursor = page.next_cursor;
          if (!cursor) break;
        }
        return people;
      }
      if (claims.role === 'client') return [];
      try {
        const me = await unwrap(
          api.GET('/users/{user_id}', { params: { path: { user_id: claims.sub } } }),
        );
        return [me];
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return [];
        throw error;
      }
    },
  });
}

/** A function naming a person id: their name, "you", or a neutral word when unknown. */
export function usePersonName(): (id: string | null | undefined) => string {
  const claims = useClaims();
  const people = usePeople().data ?? [];
  return (id) => {
    if (!id) return '—';
    const found = people.find((p) => p.id === id);
    if (found) return id === claims.sub ? `${found.name} (you)` : found.name;
    return id === claims.sub ? 'You' : 'Team member';
  };
}

export function useLocationName(): (id: string | null | undefined) => string {
  const org = useOrg().data?.data;
  return (id) => {
    if (!id) return 'No location';
    return org?.locations.find((l) => l.id === id)?.name ?? id;
  };
}
