import { useQueryClient } from '@tanstack/react-query';
import type { AccessRead } from './access';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import {
  clearToken,
  getToken,
  readClaims,
  storeToken,
  TOKEN_EVENT,
  UNAUTHORIZED_EVENT,
  type Claims,
} from './session';
import { appConfig } from '../config';

interface SessionValue {
  claims: Claims | null;
  /** Why the person was signed out, shown on the sign-in screen. */
  notice: string | null;
  /** Keeps the token; `read` (what the access check read) starts the new cache. */
  signIn: (token: string, read?: AccessRead | null) => boolean;
  signOut: (notice?: string) => void;
}

const SessionContext = createContext<SessionValue | null>(null);

function initialClaims(): Claims | null {
  const token = getToken();
  const claims = token ? readClaims(token) : null;
  if (token && !claims) clearToken();
  return claims;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [claims, setClaims] = useState<Claims | null>(initialClaims);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback(
    (why?: string) => {
      clearToken();
      const config = appConfig();
      if (config.mode === 'cognito') {
        void import('./oidc').then(({ userManager, forget }) => forget(userManager(config)));
      }
      queryClient.clear();
      setClaims(null);
      setNotice(why ?? null);
    },
    [queryClient],
  );

  const signIn = useCallback(
    (token: string, access?: AccessRead | null) => {
      const read = readClaims(token);
      if (!read) return false;
      queryClient.clear();
      if (access) queryClient.setQueryData(access[0], access[1]);
      storeToken(token);
      setNotice(null);
      setClaims(read);
      return true;
    },
    [queryClient],
  );

  useEffect(() => {
    const onUnauthorized = () => {
      signOut('Your session has ended. Please sign in again.');
    };
    const onToken = () => {
      const token = getToken();
      const read = token ? readClaims(token) : null;
      if (read) setClaims(read);
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    window.addEventListener(TOKEN_EVENT, onToken);
    return () => {
      window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
      window.removeEventListener(TOKEN_EVENT, onToken);
    };
  }, [signOut]);

  // Signed in through Cognito: keep the ID token renewed (oidc-client-ts, loaded only here
  // and on the sign-in pages, never in the local runner).
  const signedIn = claims !== null;
  useEffect(() => {
    const config = appConfig();
    if (config.mode !== 'cognito' || !signedIn) return;
    let stop: (() => void) | undefined;
    let cancelled = false;
    void import('./oidc').then(async ({ userManager, onRenewed }) => {
      if (cancelled) return;
      const manager = userManager(config);
      stop = onRenewed(manager, (idToken) => {
        storeToken(idToken);
        window.dispatchEvent(new Event(TOKEN_EVENT));
      });
      await manager.getUser(); // restarts the renewal timer after a reload
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [signedIn]);

  const value = useMemo(
    () => ({ claims, notice, signIn, signOut }),
    [claims, notice, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}

/** The signed-in person's claims; only for pages behind the sign-in guard. */
export function useClaims(): Claims {
  const { claims } = useSession();
  if (!claims) throw new Error('Not signed in');
  return claims;
}
