import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ReactNode, SyntheticEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { apiBase } from '../api/client';
import { ApiError } from '../api/problem';
import { refusalNotice, verifyAccess, type AccessRead } from '../auth/access';
import { useSession } from '../auth/SessionContext';
import { readClaims, type Role } from '../auth/session';
import { appConfig, type CognitoConfig } from '../config';
import { ErrorNotice } from '../components/ErrorState';
import { TextArea } from '../components/Field';
import { SkeletonLines } from '../components/Skeleton';

/** A demo person the local runner can sign in (GET /_local/people; never deployed). */
export interface DemoPerson {
  user_id: string;
  label: string;
  role: Role;
  org: string;
  client_id: string | null;
  locations: string[];
}

const WHAT_THEY_SEE: Record<Role, string> = {
  owner: 'Everything, including On track thresholds, templates, users and settings.',
  admin: 'Everything in the organization, as the owner.',
  location_admin: 'Clients and packages of their locations; no organization settings.',
  staff: 'Their assigned clients; sees On track but cannot change thresholds.',
  client: 'Their own record, as the client portal shows it.',
};

async function localJson<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(apiBase() + path, init);
  if (!response.ok) {
    let problem = {};
    try {
      problem = (await response.json()) as object;
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, problem);
  }
  return (await response.json()) as T;
}

export function safeNext(next: string | null): string {
  // Only paths inside the app: never an absolute URL handed in by a link.
  return next?.startsWith('/app/') && !next.startsWith('//') ? next : '/';
}

function SignInFrame({ notice, children }: { notice: string | null; children: ReactNode }) {
  return (
    <main className="signin" id="main">
      <div className="signin-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>
          <span className="brand-name">Momentum</span>
        </div>
        <h1>Sign in</h1>
        {notice ? (
          <p className="notice notice-info" role="status" data-testid="signin-notice">
            {notice}
          </p>
        ) : null}
        {children}
      </div>
    </main>
  );
}

/** Sign-in: Cognito managed login when config.json names a user pool, else the local
 * runner's demo people (and `?as=<user id>`, which signs one in at once: for tools such as
 * Lighthouse that cannot click). */
export function SignInPage() {
  const { claims, notice } = useSession();
  const [params] = useSearchParams();
  const config = appConfig();
  if (claims) return <Navigate to={safeNext(params.get('next'))} replace />;
  if (config.mode === 'cognito') return <CognitoSignIn config={config} notice={notice} />;
  return <LocalSignIn notice={notice} />;
}

function CognitoSignIn({ config, notice }: { config: CognitoConfig; notice: string | null }) {
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const go = async () => {
    setPending(true);
    setError(null);
    try {
      const { userManager, startSignIn } = await import('../auth/oidc');
      // After a refusal, ask Cognito for the sign-in form again rather than reusing the
      // session that was just refused.
      await startSignIn(
        userManager(config),
        safeNext(params.get('next')),
        notice ? 'login' : undefined,
      );
    } catch (e) {
      setError(e);
      setPending(false);
    }
  };
  return (
    <SignInFrame notice={notice}>
      <p className="lead">
        Sign in with the email and password of your Momentum account. Clients of a practice use the
        login their practice gave them.
      </p>
      <ErrorNotice error={error} />
      <button
        type="button"
        className="button button-primary button-large"
        onClick={() => void go()}
        disabled={pending}
      >
        {pending ? 'Opening the sign-in page…' : 'Sign in'}
      </button>
    </SignInFrame>
  );
}

function LocalSignIn({ notice }: { notice: string | null }) {
  const { signIn, signOut } = useSession();
  const [params] = useSearchParams();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pasted, setPasted] = useState('');
  // `?as=<user id>`: sign that demo person in at once (local runner only); the list is
  // needed only if that fails.
  const as = params.get('as');
  const people = useQuery({
    queryKey: ['local-people'],
    queryFn: () => localJson<{ items: DemoPerson[] }>('/_local/people'),
    retry: false,
    enabled: !as || error !== null || notice !== null,
  });

  /** Keep the token only when the API lets this person in; else say why it does not. */
  const accept = async (token: string, unreadable: string) => {
    const read = readClaims(token);
    if (!read) {
      setError(new Error(unreadable));
      return;
    }
    let access: AccessRead | null;
    try {
      access = await verifyAccess(token, read);
    } catch (e) {
      const refused = refusalNotice(e, read.role);
      if (refused) signOut(refused);
      else setError(e);
      return;
    }
    if (!signIn(token, access)) setError(new Error(unreadable));
  };

  const choose = async (userId: string) => {
    setPending(userId);
    setError(null);
    try {
      const { token } = await localJson<{ token: string }>('/_local/sign-in', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user_id: userId }),
      });
      await accept(token, 'The runner gave a token this app cannot read.');
    } catch (e) {
      setError(e);
    } finally {
      setPending(null);
    }
  };

  const tried = useRef(false);
  useEffect(() => {
    if (!as || tried.current) return;
    tried.current = true;
    void choose(as);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per page load
  }, [as]);

  const submitPasted = async (event: SyntheticEvent) => {
    event.preventDefault();
    setError(null);
    const token = pasted.trim().replace(/^Bearer\s+/i, '');
    await accept(token, 'That is not a valid, unexpired Momentum token.');
  };

  const orgs = [...new Set((people.data?.items ?? []).map((p) => p.org))];

  return (
    <SignInFrame notice={notice}>
      <p className="lead">
        This is the local runner: choose a demo person to see Momentum as they do. In AWS, people
        sign in with their organization account instead.
      </p>
      <ErrorNotice error={error} />
      {people.isPending ? (
        <SkeletonLines
          lines={5}
          label={as && people.fetchStatus === 'idle' ? 'Signing you in' : 'Loading the demo people'}
        />
      ) : null}
      {people.isError ? (
        <p className="notice notice-info">
          No demo people here
          {people.error instanceof ApiError && people.error.status === 404
            ? ' (the runner was started with --empty, or this is not the local runner)'
            : ''}
          . Paste a token from <code>python -m local token</code> below.
        </p>
      ) : null}
      {orgs.map((org) => (
        <section key={org} className="people" aria-label={`People of ${org}`}>
          <h2 className="people-org">{org}</h2>
          <ul className="people-list">
            {people.data?.items
              .filter((p) => p.org === org)
              .map((person) => (
                <li key={person.user_id}>
                  <button
                    type="button"
                    className="person"
                    onClick={() => void choose(person.user_id)}
                    disabled={pending !== null}
                    aria-labelledby={`name-${person.user_id}`}
                    aria-describedby={`what-${person.user_id}`}
                  >
                    <span className="person-name" id={`name-${person.user_id}`}>
                      {person.label}
                    </span>
                    <span className="person-what" id={`what-${person.user_id}`}>
                      {WHAT_THEY_SEE[person.role]}
                    </span>
                    {pending === person.user_id ? (
                      <span className="person-pending">Signing in…</span>
                    ) : null}
                  </button>
                </li>
              ))}
          </ul>
        </section>
      ))}
      <details className="paste-token">
        <summary>Use a token instead</summary>
        <form onSubmit={(e) => void submitPasted(e)}>
          <TextArea
            label="Bearer token"
            value={pasted}
            rows={3}
            onChange={(e) => setPasted(e.target.value)}
            hint="The token printed by make run or python -m local token."
          />
          <button type="submit" className="button button-primary" disabled={!pasted.trim()}>
            Sign in with this token
          </button>
        </form>
      </details>
    </SignInFrame>
  );
}
