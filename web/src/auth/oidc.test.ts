// The Cognito sign-in path against a fake OIDC provider (the real one cannot be reached from
// tests): discovery, the authorize redirect with PKCE, the code exchanged at the token
// endpoint with the verifier, and the ID token used as the API's bearer.
import { afterEach, describe, expect, it } from 'vitest';
import { api, unwrap } from '../api/client';
import { LOCAL, parseConfig, setAppConfig, type CognitoConfig } from '../config';
import { answer, requests } from '../test/api';
import { fakeToken } from '../test/render';
import { completeSignIn, createUserManager, forget } from './oidc';
import { getToken, readClaims, storeToken } from './session';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST';
const DOMAIN = 'https://momentum-test.auth.eu-west-1.amazoncognito.com';
const APP = 'https://app.example.com';

const config = parseConfig({
  apiUrl: `${APP}/api`,
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_TEST',
  clientId: 'web-client-id',
  cognitoDomain: DOMAIN,
  authority: ISSUER,
  redirectUri: `${APP}/app/callback`,
  postLogoutRedirectUri: `${APP}/app/sign-in`,
  scope: 'openid email profile',
}) as { mode: 'cognito' } & CognitoConfig;

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A provider as Cognito's discovery document describes it. */
function fakeProvider(idToken: string) {
  answer('GET /eu-west-1_TEST/.well-known/openid-configuration', {
    body: {
      issuer: ISSUER,
      authorization_endpoint: `${DOMAIN}/oauth2/authorize`,
      token_endpoint: `${DOMAIN}/oauth2/token`,
      userinfo_endpoint: `${DOMAIN}/oauth2/userInfo`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      response_types_supported: ['code', 'token'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
    },
  });
  answer('POST /oauth2/token', {
    body: {
      id_token: idToken,
      access_token: 'access-token-not-for-the-api',
      refresh_token: 'refresh-token',
      token_type: 'Bearer',
      expires_in: 3600,
    },
  });
}

afterEach(() => {
  setAppConfig(LOCAL);
});

describe('sign-in through Cognito managed login (authorization code + PKCE)', () => {
  it('redirects with a S256 code challenge, exchanges the code with its verifier, and sends the ID token as the bearer', async () => {
    const idToken = fakeToken('admin', 'user-adam', {
      iss: ISSUER,
      aud: 'web-client-id',
      token_use: 'id',
      'custom:location_ids': '',
    });
    fakeProvider(idToken);
    let authorizeUrl = '';
    const manager = createUserManager(config, (url) => {
      authorizeUrl = url;
    });

    // 1. To managed login: the app's client, callback, scope, state and the PKCE challenge.
    void manager.signinRedirect({ state: { next: '/app/engagements' } });
    await expect.poll(() => authorizeUrl).not.toBe('');
    const authorize = new URL(authorizeUrl);
    expect(authorize.origin + authorize.pathname).toBe(`${DOMAIN}/oauth2/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe('web-client-id');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${APP}/app/callback`);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('scope')).toBe('openid email profile');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const challenge = authorize.searchParams.get('code_challenge') ?? '';
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const state = authorize.searchParams.get('state') ?? '';
    expect(state).not.toBe('');

    // 2. Back at /app/callback with a code: exchanged at the token endpoint.
    const done = await completeSignIn(
      manager,
      `${APP}/app/callback?code=the-code&state=${encodeURIComponent(state)}`,
    );
    const exchange = requests.find((r) => r.path === '/oauth2/token');
    const form = exchange?.body as URLSearchParams;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code')).toBe('the-code');
    expect(form.get('client_id')).toBe('web-client-id');
    expect(form.get('redirect_uri')).toBe(`${APP}/app/callback`);
    // The verifier sent is the one the challenge was made from: SHA-256, base64url.
    const verifier = form.get('code_verifier') ?? '';
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
    expect(base64url(digest)).toBe(challenge);
    expect(done.idToken).toBe(idToken);
    expect(done.next).toBe('/app/engagements');
    expect(readClaims(done.idToken)?.role).toBe('admin');

    // 3. The ID token (it carries the custom claims) is the bearer, sent to config's apiUrl.
    setAppConfig(config);
    storeToken(done.idToken);
    answer('GET /api/org', { body: { id: 'org-test' } });
    await unwrap(api.GET('/org'));
    const call = requests.at(-1);
    expect(call?.path).toBe('/api/org');
    expect(call?.headers.get('Authorization')).toBe(`Bearer ${idToken}`);
    expect(getToken()).toBe(idToken);
    await forget(manager);
  });

  it('refuses a callback whose state it never issued', async () => {
    fakeProvider(fakeToken('staff'));
    const manager = createUserManager(config, () => undefined);
    await expect(
      completeSignIn(manager, `${APP}/app/callback?code=x&state=forged-state`),
    ).rejects.toThrow();
    expect(requests.some((r) => r.path === '/oauth2/token')).toBe(false);
  });

  it('says what Cognito said when it refuses', async () => {
    fakeProvider(fakeToken('staff'));
    let authorizeUrl = '';
    const manager = createUserManager(config, (url) => {
      authorizeUrl = url;
    });
    void manager.signinRedirect();
    await expect.poll(() => authorizeUrl).not.toBe('');
    const state = new URL(authorizeUrl).searchParams.get('state') ?? '';
    await expect(
      completeSignIn(
        manager,
        `${APP}/app/callback?error=access_denied&error_description=User+is+disabled.&state=${state}`,
      ),
    ).rejects.toThrow('User is disabled.');
  });
});
