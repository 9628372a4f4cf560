import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL, parseConfig, setAppConfig } from '../config';
import { answer, problem, requests } from '../test/api';
import { fakeToken, renderPage } from '../test/render';
import { SignInPage } from './SignInPage';

const ADA = {
  user_id: 'client-ada',
  label: 'client (Ada, portal)',
  role: 'client',
  org: 'org-test',
  client_id: 'cl-ada',
  locations: [],
};
const OLIVIA = { ...ADA, user_id: 'user-olivia', label: 'owner', role: 'owner', client_id: null };

function demo() {
  answer('GET /_local/people', { body: { items: [OLIVIA, ADA] } });
  answer('POST /_local/sign-in', (r) => {
    const id = (r.body as { user_id: string }).user_id;
    return {
      body: {
        token:
          id === 'client-ada'
            ? fakeToken('client', 'client-ada', { 'custom:client_id': 'cl-ada' })
            : fakeToken('owner', id),
      },
    };
  });
}

afterEach(() => setAppConfig(LOCAL));

describe('sign-in', () => {
  it('tells a client whose login was removed why they cannot get in, and keeps no token', async () => {
    demo();
    answer('GET /clients/cl-ada', problem(403, 'This client has no portal login'));
    renderPage(<SignInPage />, { role: null, path: '/app/sign-in', pattern: '/app/sign-in' });
    await userEvent.click(await screen.findByRole('button', { name: 'client (Ada, portal)' }));
    expect(await screen.findByTestId('signin-notice')).toHaveTextContent(
      "You can't sign in to the client portal: This client has no portal login. Ask your practice if you need access.",
    );
    expect(sessionStorage.getItem('momentum.token')).toBeNull();
    // The check asked the API about the client's own record with the new token.
    const check = requests.find((r) => r.path === '/clients/cl-ada');
    expect(check?.headers.get('Authorization')).toMatch(/^Bearer /);
  });

  it('tells an inactive client the same way', async () => {
    demo();
    answer(
      'GET /clients/cl-ada',
      problem(403, 'This client is inactive and cannot use the portal'),
    );
    renderPage(<SignInPage />, { role: null, path: '/app/sign-in', pattern: '/app/sign-in' });
    await userEvent.click(await screen.findByRole('button', { name: 'client (Ada, portal)' }));
    expect(await screen.findByTestId('signin-notice')).toHaveTextContent(
      'This client is inactive and cannot use the portal.',
    );
  });

  it('signs in the person named by ?as= at once (local runner only; for Lighthouse)', async () => {
    demo();
    answer('GET /org', { body: { id: 'org-test' } });
    renderPage(<SignInPage />, {
      role: null,
      path: '/app/sign-in?as=user-olivia&next=%2Fapp%2Fon-track',
      pattern: '/app/sign-in',
    });
    await waitFor(() => expect(sessionStorage.getItem('momentum.token')).not.toBeNull());
    const signIn = requests.find((r) => r.path === '/_local/sign-in');
    expect(signIn?.body).toEqual({ user_id: 'user-olivia' });
  });

  it('offers Cognito managed login when config.json names a user pool, and no demo people', async () => {
    setAppConfig(
      parseConfig({
        apiUrl: 'https://app.example.com/api',
        region: 'eu-west-1',
        userPoolId: 'eu-west-1_x',
        clientId: 'c',
        cognitoDomain: 'https://x.auth.eu-west-1.amazoncognito.com',
        authority: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x',
        redirectUri: 'https://app.example.com/app/callback',
        postLogoutRedirectUri: 'https://app.example.com/app/sign-in',
        scope: 'openid email profile',
      }) ?? LOCAL,
    );
    renderPage(<SignInPage />, {
      role: null,
      path: '/app/sign-in?as=user-olivia',
      pattern: '/app/sign-in',
    });
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'owner' })).toBeNull();
    expect(requests.some((r) => r.path.startsWith('/_local/'))).toBe(false);
  });
});
