// Sign-in through Cognito managed login: the authorization code flow with PKCE, done by
// oidc-client-ts. This module is imported only when config.json names a user pool, so the
// library never weighs on the local runner's (or the first page's) JavaScript.
//
// The app sends the ID token as its bearer: it carries the custom claims the API reads
// (custom:org_id, custom:role, custom:client_id, custom:location_ids); Cognito's access
// token does not.
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { INavigator, IWindow, User } from 'oidc-client-ts';
import type { CognitoConfig } from '../config';

/** Where a browser goes next; tests pass their own to see the authorize URL. */
export type Navigate = (url: string) => void;

function navigatorFor(navigate: Navigate): INavigator {
  return {
    prepare: () =>
      Promise.resolve<IWindow>({
        navigate: ({ url }) => {
          navigate(url);
          // The page is leaving; nothing after this runs in it.
          return new Promise<never>(() => undefined);
        },
        close: () => undefined,
      }),
    callback: () => Promise.resolve(),
  };
}

export function createUserManager(config: CognitoConfig, navigate?: Navigate): UserManager {
  return new UserManager(
    {
      authority: config.authority,
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      post_logout_redirect_uri: config.postLogoutRedirectUri,
      response_type: 'code',
      scope: config.scope,
      // Tokens live as long as the tab, like the local token (sessionStorage).
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
      stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
      loadUserInfo: false,
      // Cognito gives a refresh token with the code flow: the ID token is renewed with it
      // before it expires (no iframe, no third-party cookies).
      automaticSilentRenew: true,
      // Cognito's discovery document names no end_session_endpoint: sign-out is its own
      // /logout URL (logoutUrl in ../config).
      monitorSession: false,
    },
    navigate ? navigatorFor(navigate) : undefined,
  );
}

let shared: { key: string; manager: UserManager } | null = null;

/** One UserManager for the page (its silent renewal timer must not be doubled). */
export function userManager(config: CognitoConfig): UserManager {
  const key = `${config.authority}|${config.clientId}`;
  if (!shared || shared.key !== key) shared = { key, manager: createUserManager(config) };
  return shared.manager;
}

/** Go to managed login. `next` (an /app/ path) comes back through the state parameter. */
export async function startSignIn(
  manager: UserManager,
  next: string,
  prompt?: 'login' | 'select_account',
): Promise<void> {
  await manager.signinRedirect({ state: { next }, ...(prompt ? { prompt } : {}) });
}

export interface SignedIn {
  idToken: string;
  next: string | null;
  expiresAt: number | null;
}

function signedIn(user: User): SignedIn {
  if (!user.id_token) throw new Error('Cognito answered without an ID token.');
  const state = user.state as { next?: unknown } | undefined;
  return {
    idToken: user.id_token,
    next: typeof state?.next === 'string' ? state.next : null,
    expiresAt: user.expires_at ? user.expires_at * 1000 : null,
  };
}

/** The callback page: check the state, exchange the code (with the PKCE verifier) at the
 * token endpoint, and hand back the ID token. An error from Cognito
 * (`?error=access_denied&error_description=…`) is thrown with its description. */
export async function completeSignIn(manager: UserManager, url: string): Promise<SignedIn> {
  const user = await manager.signinRedirectCallback(url);
  return signedIn(user);
}

/** Keep the app's bearer current when the ID token is renewed (refresh token grant). */
export function onRenewed(manager: UserManager, listener: (idToken: string) => void): () => void {
  const handler = (user: User) => {
    if (user.id_token) listener(user.id_token);
  };
  manager.events.addUserLoaded(handler);
  return () => manager.events.removeUserLoaded(handler);
}

/** Forget the tokens here (the Cognito session ends at `logoutUrl`). */
export async function forget(manager: UserManager): Promise<void> {
  await manager.removeUser();
  await manager.clearStaleState();
}
