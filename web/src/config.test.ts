import { afterEach, describe, expect, it } from 'vitest';
import { appConfig, loadConfig, LOCAL, logoutUrl, parseConfig, setAppConfig } from './config';

const WRITTEN = {
  // The keys deploy/web.py's web_config writes.
  apiUrl: 'https://d111.cloudfront.net/api/',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_abc',
  clientId: 'client123',
  cognitoDomain: 'https://momentum-dev.auth.eu-west-1.amazoncognito.com/',
  authority: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
  redirectUri: 'https://d111.cloudfront.net/app/callback',
  postLogoutRedirectUri: 'https://d111.cloudfront.net/app/sign-in',
  scope: 'openid email profile',
};

const respond =
  (body: string, status: number, type: string): typeof fetch =>
  () =>
    Promise.resolve(new Response(body, { status, headers: { 'Content-Type': type } }));

afterEach(() => setAppConfig(LOCAL));

describe('config.json', () => {
  it('reads what deploy writes: Cognito mode, the API from apiUrl', async () => {
    const config = await loadConfig(respond(JSON.stringify(WRITTEN), 200, 'application/json'));
    expect(config.mode).toBe('cognito');
    expect(config.apiUrl).toBe('https://d111.cloudfront.net/api');
    expect(appConfig()).toBe(config);
    if (config.mode !== 'cognito') throw new Error('not cognito');
    expect(logoutUrl(config)).toBe(
      'https://momentum-dev.auth.eu-west-1.amazoncognito.com/logout?client_id=client123&logout_uri=https%3A%2F%2Fd111.cloudfront.net%2Fapp%2Fsign-in',
    );
  });

  it('is local when there is none: the runner answers 401, a dev server answers index.html', async () => {
    expect(
      await loadConfig(
        respond('{"detail":"A bearer token is required."}', 401, 'application/problem+json'),
      ),
    ).toEqual(LOCAL);
    expect(await loadConfig(respond('<!doctype html>', 200, 'text/html'))).toEqual(LOCAL);
    expect(await loadConfig(() => Promise.reject(new TypeError('offline')))).toEqual(LOCAL);
  });

  it('refuses a half-written file (a missing or empty key)', () => {
    expect(parseConfig({ ...WRITTEN, clientId: '' })).toBeNull();
    const missing: Partial<typeof WRITTEN> = { ...WRITTEN };
    delete missing.scope;
    expect(parseConfig(missing)).toBeNull();
    expect(parseConfig('text')).toBeNull();
  });
});
