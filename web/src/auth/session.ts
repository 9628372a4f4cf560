// The bearer token lives in sessionStorage: it survives a reload but not the tab, and it
// is never written anywhere a page from another tab or a later visitor could pick it up.
const KEY = 'momentum.token';

export type Role = 'owner' | 'admin' | 'location_admin' | 'staff' | 'client';

export interface Claims {
  sub: string;
  orgId: string;
  role: Role;
  clientId: string | null;
  locationIds: string[];
  expiresAt: number | null;
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

const ROLES: readonly Role[] = ['owner', 'admin', 'location_admin', 'staff', 'client'];

/** The claims of a JWT, read without verifying it: the API verifies; the app only uses them
 * to decide what to show. Null for anything that is not a readable, unexpired token. */
export function readClaims(token: string, now: number = Date.now()): Claims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  let payload: Record<string, unknown>;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const json = new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
    payload = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return null;
  }
  const role = payload['custom:role'];
  const sub = payload.sub;
  const orgId = payload['custom:org_id'];
  if (typeof sub !== 'string' || typeof orgId !== 'string') return null;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  const exp = Number(payload.exp);
  const expiresAt = Number.isFinite(exp) ? exp * 1000 : null;
  if (expiresAt !== null && expiresAt <= now) return null;
  const clientId = payload['custom:client_id'];
  const locations = payload['custom:location_ids'];
  return {
    sub,
    orgId,
    role: role as Role,
    clientId: typeof clientId === 'string' && clientId ? clientId : null,
    locationIds: typeof locations === 'string' && locations ? locations.split(',') : [],
    expiresAt,
  };
}

/** Owners and global admins may do everything (SPEC §1); location admins within their
 * locations. Only these change On track thresholds, templates, users and the organization. */
export function isAdmin(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

export function isManager(role: Role): boolean {
  return isAdmin(role) || role === 'location_admin';
}

export const UNAUTHORIZED_EVENT = 'momentum:unauthorized';
/** The stored token was replaced (Cognito renewed the ID token): claims are read again. */
export const TOKEN_EVENT = 'momentum:token';
