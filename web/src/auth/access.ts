import type { QueryKey } from '@tanstack/react-query';
import { apiBase, etagOf, type Versioned } from '../api/client';
import { keys } from '../api/queries';
import { ApiError, type ProblemBody } from '../api/problem';
import type { Claims } from './session';

/** What the access check read, under the query key the pages read it by: kept after the
 * sign-in, so the first page does not ask for it again. */
export type AccessRead = [QueryKey, Versioned<unknown>];

/** Before a token is kept: may this person use Momentum now? A client reads their own
 * record (the API refuses a removed login or an inactive client with 403 and says why);
 * everyone else reads the organization (a deactivated user gets 403). Throws the API's
 * problem, so the sign-in screen can say exactly why; else resolves to what it read. */
export async function verifyAccess(token: string, claims: Claims): Promise<AccessRead | null> {
  const client = claims.role === 'client' && claims.clientId ? claims.clientId : null;
  const path = client ? `/clients/${encodeURIComponent(client)}` : '/org';
  const response = await fetch(apiBase() + path, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  if (response.ok) {
    const data: unknown = await response.json().catch(() => null);
    if (data === null) return null; // allowed in, but nothing to keep
    const read = { data, etag: response.headers.get('ETag') ?? etagOf(data) };
    return [client ? keys.client(client) : keys.org, read];
  }
  let problem: ProblemBody = { detail: response.statusText };
  try {
    problem = (await response.json()) as ProblemBody;
  } catch {
    /* not JSON */
  }
  throw new ApiError(response.status, problem);
}

/** What the sign-in screen says when the API refused a person. */
export function refusalNotice(error: unknown, role: Claims['role'] | null): string | null {
  if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) return null;
  const reason = error.problem.detail ?? error.message;
  if (role === 'client') {
    return `You can't sign in to the client portal: ${withStop(reason)} Ask your practice if you need access.`;
  }
  return `You can't sign in: ${withStop(reason)}`;
}

function withStop(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
