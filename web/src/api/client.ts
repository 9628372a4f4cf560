import createClient from 'openapi-fetch';
import { getToken, UNAUTHORIZED_EVENT } from '../auth/session';
import { appConfig } from '../config';
import { ApiError, type ProblemBody } from './problem';
import type { paths } from './schema';

/** Where the API is: config.json's `apiUrl` when the app is hosted (CloudFront serves the
 * API under /api); else the app's own origin (the local runner serves both). */
export function apiBase(): string {
  return appConfig().apiUrl ?? window.location.origin;
}

// The client is made before config.json is read, so it addresses the app's origin and each
// request is moved to the configured API here (a no-op locally).
export const api = createClient<paths>({ baseUrl: window.location.origin });

api.use({
  onRequest({ request }) {
    const base = appConfig().apiUrl;
    const token = getToken();
    let outgoing = request;
    if (base) {
      const url = new URL(request.url);
      outgoing = new Request(base + url.pathname + url.search, request);
    }
    if (token) outgoing.headers.set('Authorization', `Bearer ${token}`);
    return outgoing;
  },
  onResponse({ response }) {
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    return response;
  },
});

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function toError(answer: Answer<unknown>): ApiError {
  const body = answer.error;
  const problem: ProblemBody =
    body && typeof body === 'object'
      ? body
      : { detail: typeof body === 'string' && body ? body : answer.response.statusText };
  return new ApiError(answer.response.status, problem);
}

/** The body of a successful answer; an ApiError (with the problem) otherwise. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const answer = await call;
  if (!answer.response.ok) throw toError(answer);
  return answer.data as T;
}

export interface Versioned<T> {
  data: T;
  /** The ETag to send back as If-Match when editing this record. */
  etag: string | null;
}

export async function unwrapVersioned<T>(call: Promise<Answer<T>>): Promise<Versioned<T>> {
  const answer = await call;
  if (!answer.response.ok) throw toError(answer);
  const data = answer.data as T;
  return { data, etag: answer.response.headers.get('ETag') ?? etagOf(data) };
}

/** The ETag of a record from its version, for records read from a list. */
export function etagOf(record: unknown): string | null {
  if (record && typeof record === 'object' && 'version' in record) {
    const version = record.version;
    if (typeof version === 'number') return `"${version}"`;
  }
  return null;
}

/** A fresh Idempotency-Key: one per form opening, so a retried or double-clicked create
 * makes one record (SPEC §9). */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

/** Fetch a CSV export with the bearer token and hand it to the browser as a download. */
export async function downloadCsv(path: string, fallbackName: string): Promise<void> {
  const headers: Record<string, string> = { Accept: 'text/csv' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(apiBase() + path, { headers });
  if (!response.ok) {
    let problem: ProblemBody;
    try {
      problem = (await response.json()) as ProblemBody;
    } catch {
      problem = { detail: response.statusText };
    }
    throw new ApiError(response.status, problem);
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A report read as JSON: the schema also allows its CSV form, which JSON calls never get. */
export function notCsv<T>(value: T | string): T {
  if (typeof value === 'string') throw new Error('Expected JSON from the report, got text.');
  return value;
}
