import { apiBase } from '../api/client';
import { ApiError, type ProblemBody } from '../api/problem';
import type { Claims } from './session';

/** Before a token is kept: may this person use Momentum now? A client reads their own
 * record (the API refuses a removed login or an inactive client with 403 and says why);
 * everyone else reads the organization (a deactivated user gets 403). Throws the API's
 * problem, so the sign-in screen can say exactly why. */
export async function verifyAccess(token: string, claims: Claims): Promise<void> {
  const path =
    claims.role === 'client' && claims.clientId
      ? `/clients/${encodeURIComponent(claims.clientId)}`
      : '/org';
  const response = await fetch(apiBase() + path, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  if (response.ok) return;
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
