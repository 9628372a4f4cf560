// The app's settings, read once at start from /config.json. `make deploy` writes that file
// next to index.html from the stack's outputs (deploy/web.py); the local runner has none, so
// there the app signs in through the runner's demo people and calls its own origin.

/** What deploy/web.py writes (`web_config`): the API and Cognito managed login. */
export interface CognitoConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** Managed login (authorize, token and logout endpoints): https://<domain>.auth.<region>.amazoncognito.com */
  cognitoDomain: string;
  /** The issuer, for OIDC discovery: https://cognito-idp.<region>.amazonaws.com/<pool id> */
  authority: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  scope: string;
}

export type AppConfig = { mode: 'local'; apiUrl: null } | ({ mode: 'cognito' } & CognitoConfig);

const KEYS = [
  'apiUrl',
  'region',
  'userPoolId',
  'clientId',
  'cognitoDomain',
  'authority',
  'redirectUri',
  'postLogoutRedirectUri',
  'scope',
] as const satisfies readonly (keyof CognitoConfig)[];

export const LOCAL: AppConfig = { mode: 'local', apiUrl: null };

let current: AppConfig = LOCAL;

/** The settings the app runs with (local until `loadConfig` found a config.json). */
export function appConfig(): AppConfig {
  return current;
}

export function setAppConfig(config: AppConfig): void {
  current = config;
}

export function isLocal(): boolean {
  return current.mode === 'local';
}

/** A config.json as deploy/web.py writes it, or null for anything else. Every key must be
 * a non-empty string: a half-written file must not send people to a broken sign-in. */
export function parseConfig(value: unknown): AppConfig | null {
  if (!value || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  const out: Partial<CognitoConfig> = {};
  for (const key of KEYS) {
    const item = record[key];
    if (typeof item !== 'string' || !item.trim()) return null;
    out[key] = item.trim();
  }
  const config = out as CognitoConfig;
  return {
    mode: 'cognito',
    ...config,
    apiUrl: config.apiUrl.replace(/\/+$/, ''),
    cognitoDomain: config.cognitoDomain.replace(/\/+$/, ''),
  };
}

/** Read /config.json. No file (the local runner answers 401/404; Vite's dev server answers
 * index.html) means local mode. Never throws: the app must start either way. */
export async function loadConfig(fetcher: typeof fetch = fetch): Promise<AppConfig> {
  let config: AppConfig = LOCAL;
  try {
    const response = await fetcher(new URL('/config.json', window.location.origin).href, {
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    });
    const type = response.headers.get('Content-Type') ?? '';
    if (response.ok && type.includes('json')) {
      config = parseConfig(await response.json()) ?? LOCAL;
    }
  } catch {
    config = LOCAL;
  }
  setAppConfig(config);
  return config;
}

/** Cognito managed login's sign-out: ends the Cognito session, then comes back to the
 * sign-in page (a sign-out URL of the app client). */
export function logoutUrl(config: CognitoConfig): string {
  const query = new URLSearchParams({
    client_id: config.clientId,
    logout_uri: config.postLogoutRedirectUri,
  });
  return `${config.cognitoDomain}/logout?${query.toString()}`;
}
