import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { refusalNotice, verifyAccess } from '../auth/access';
import { useSession } from '../auth/SessionContext';
import { readClaims } from '../auth/session';
import { appConfig } from '../config';
import { ErrorNotice } from '../components/ErrorState';
import { SkeletonLines } from '../components/Skeleton';
import { safeNext } from './SignInPage';

/** Where Cognito managed login sends people back (`/app/callback?code=…&state=…`): the code
 * is exchanged for tokens (PKCE), the API is asked whether this person may come in, and the
 * ID token becomes the app's bearer. */
export default function CallbackPage() {
  const config = appConfig();
  const { signIn, signOut } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (config.mode !== 'cognito' || started.current) return;
    started.current = true;
    void (async () => {
      const { userManager, completeSignIn, forget } = await import('../auth/oidc');
      const manager = userManager(config);
      try {
        const done = await completeSignIn(manager, window.location.href);
        const claims = readClaims(done.idToken);
        if (!claims) throw new Error('Your account has no Momentum organization or role yet.');
        let access;
        try {
          access = await verifyAccess(done.idToken, claims);
        } catch (refused) {
          const why = refusalNotice(refused, claims.role);
          if (!why) throw refused;
          await forget(manager);
          signOut(why);
          void navigate('/app/sign-in', { replace: true });
          return;
        }
        signIn(done.idToken, access);
        void navigate(safeNext(done.next), { replace: true });
      } catch (e) {
        setError(e);
      }
    })();
  }, [config, navigate, signIn, signOut]);

  if (config.mode !== 'cognito') return <Navigate to="/app/sign-in" replace />;
  return (
    <main className="signin" id="main">
      <div className="signin-card">
        <h1>Signing you in</h1>
        {error ? (
          <>
            <ErrorNotice error={error} />
            <Link className="button" to="/app/sign-in">
              Back to sign-in
            </Link>
          </>
        ) : (
          <SkeletonLines lines={2} label="Finishing the sign-in" />
        )}
      </div>
    </main>
  );
}
