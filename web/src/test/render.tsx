import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { SessionProvider } from '../auth/SessionContext';
import type { Role } from '../auth/session';
import { answer } from './api';

/** An unsigned token with the claims the app reads (the fake API does not verify it). */
export function fakeToken(
  role: Role,
  sub = `user-${role}`,
  extra: Record<string, string> = {},
): string {
  const encode = (value: object) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return [
    encode({ alg: 'HS256', typ: 'JWT' }),
    encode({
      sub,
      'custom:org_id': 'org-test',
      'custom:role': role,
      exp: Math.floor(Date.now() / 1000) + 3600,
      ...extra,
    }),
    'signature',
  ].join('.');
}

export const ORG = {
  id: 'org-test',
  name: 'Test Practice',
  timezone: 'Europe/London',
  locations: [{ id: 'north', name: 'North clinic' }],
  version: 3,
};

/** Render inside the app's providers, signed in as `role`, at `path` (matched by `pattern`). */
export function renderPage(
  ui: ReactNode,
  {
    role = 'owner',
    path = '/',
    pattern = '*',
  }: { role?: Role | null; path?: string; pattern?: string } = {},
) {
  if (role) sessionStorage.setItem('momentum.token', fakeToken(role));
  answer('GET /org', { body: ORG, headers: { ETag: '"3"' } });
  answer('GET /users', { body: { items: [], next_cursor: null } });
  answer('GET /users/*', (r) => ({
    body: {
      id: r.path.split('/').pop(),
      name: 'Me',
      role: 'staff',
      status: 'active',
      location_ids: [],
    },
  }));
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={pattern} element={ui} />
          </Routes>
        </MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );
}
