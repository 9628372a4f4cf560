import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { answer, problem, requests } from '../test/api';
import { packRecord } from '../test/records';
import { renderPage } from '../test/render';
import { useSession } from '../auth/SessionContext';
import PortalPage from './PortalPage';

/** As the app's sign-in guard: once signed out, the sign-in screen with its notice. */
function Guarded() {
  const { claims, notice } = useSession();
  return claims ? <PortalPage /> : <p data-testid="signed-out">{notice}</p>;
}

const ADA = {
  id: 'cl-ada',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: null,
  status: 'active',
  location_id: 'north',
  assigned_practitioner_ids: ['user-sam'],
  availability: { monday: [{ start: '09:00', end: '12:00' }] },
  invited: true,
  has_login: true,
  color: null,
  version: 2,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

const SAM = { id: 'user-sam', name: 'Sam Carter', email: 'sam@example.com', phone: '+44 1' };

function pack(id: string, name: string, status: string | null) {
  const dates = { end_date: '2026-12-31', last_session: '2026-05-01' };
  return packRecord({ id, client_id: 'cl-ada', name, status, ...dates });
}

function portal() {
  answer('GET /clients/cl-ada', { body: ADA, headers: { ETag: '"2"' } });
  answer('GET /clients/cl-ada/packages', {
    body: {
      items: [
        // The API sends a status only where the package is client-visible.
        pack('p1', 'Physio pack', null),
        pack('p2', 'Coaching pack', 'at_risk'),
      ],
    },
  });
  answer('GET /appointments', { body: { items: [] } });
  answer('GET /clients/cl-ada/practitioners', { body: { items: [SAM] } });
  answer('GET /me/preferences', {
    body: { emails: { welcome: true, on_track_reminder: true }, version: 0 },
  });
}

const asAda = { role: 'client' as const, path: '/app/portal', pattern: '/app/portal' };

function signInAda() {
  // renderPage's token has no client id: the portal's token names Ada's record.
  return { ...asAda };
}

describe('the client portal', () => {
  it('shows a package’s On track status only where the practice shares it', async () => {
    portal();
    renderWithClientToken();
    expect(await screen.findByRole('heading', { name: 'Hello, Ada' })).toBeVisible();
    const packages = await screen.findAllByTestId('portal-package');
    expect(packages[0]).toHaveTextContent(/^Physio pack.*7 sessions left$/);
    expect(
      within(packages[0] as HTMLElement).queryByText(/On track|At risk|Off track|-/),
    ).toBeNull();
    expect(packages[1]).toHaveTextContent('At risk');
    // Client emails only: no tracker tasks or administrators' digests.
    expect(await screen.findByLabelText('Session reminders')).toBeChecked();
    expect(screen.queryByLabelText('Tracker tasks')).toBeNull();
  });

  it('lets the client edit their own weekly availability', async () => {
    portal();
    answer('PUT /clients/cl-ada/availability', (r) => ({
      body: { ...ADA, availability: r.body, version: 3 },
      headers: { ETag: '"3"' },
    }));
    renderWithClientToken();
    const card = await screen.findByRole('region', { name: 'My weekly availability' });
    await userEvent.click(within(card).getByRole('button', { name: /^Edit\s*availability$/ }));
    await userEvent.click(
      within(card).getByRole('button', { name: /^\+ Add time\s*on Wednesday$/ }),
    );
    await userEvent.click(within(card).getByRole('button', { name: 'Save availability' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'PUT')).toBe(true));
    const put = requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/clients/cl-ada/availability');
    expect(put?.body).toMatchObject({
      monday: [{ start: '09:00', end: '12:00' }],
      wednesday: [{ start: '09:00', end: '17:00' }],
    });
    expect(await within(card).findByText('09:00–17:00')).toBeVisible();
  });

  it('says the email preferences were saved, and sends the new ETag next time', async () => {
    portal();
    answer('PUT /me/preferences', (r) => ({
      body: { ...(r.body as object), version: 1 },
      headers: { ETag: '"1"' },
    }));
    renderWithClientToken();
    const reminders = await screen.findByLabelText('Session reminders');
    await userEvent.click(reminders);
    await userEvent.click(screen.getByRole('button', { name: /save/i }));
    expect(await screen.findByText('Email preferences saved.')).toBeVisible();
    expect(screen.getByLabelText('Session reminders')).not.toBeChecked();
    await userEvent.click(screen.getByLabelText('Session reminders'));
    await userEvent.click(screen.getByRole('button', { name: /save/i }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'PUT')).toHaveLength(2));
    const puts = requests.filter((r) => r.method === 'PUT');
    // The second save sends the ETag the first one answered.
    expect(puts[0]?.headers.get('If-Match')).toBe('"0"');
    expect(puts[1]?.headers.get('If-Match')).toBe('"1"');
  });

  it('shows the practitioners’ contact details from one request', async () => {
    portal();
    answer('GET /clients/cl-ada', {
      body: { ...ADA, assigned_practitioner_ids: ['user-sam', 'user-zoe'] },
      headers: { ETag: '"2"' },
    });
    const zoe = { id: 'user-zoe', name: 'Zoe Adams', email: 'zoe@example.com', phone: null };
    answer('GET /clients/cl-ada/practitioners', { body: { items: [SAM, zoe] } });
    renderWithClientToken();
    const card = await screen.findByRole('region', { name: 'My practitioners' });
    expect(await within(card).findByText('Sam Carter')).toBeVisible();
    expect(within(card).getByRole('link', { name: 'sam@example.com' })).toHaveAttribute(
      'href',
      'mailto:sam@example.com',
    );
    expect(within(card).getByRole('link', { name: '+44 1' })).toHaveAttribute('href', 'tel:+44 1');
    expect(within(card).getByText('Zoe Adams')).toBeVisible();
    expect(within(card).getAllByRole('link')).toHaveLength(3); // Zoe has no phone
    const reads = requests.filter((r) => r.path === '/clients/cl-ada/practitioners');
    expect(reads).toHaveLength(1);
    expect(requests.some((r) => r.path.startsWith('/users'))).toBe(false);
  });

  it('says so when none of the practitioners can be reached', async () => {
    portal();
    answer('GET /clients/cl-ada/practitioners', { body: { items: [] } });
    renderWithClientToken();
    const card = await screen.findByRole('region', { name: 'My practitioners' });
    expect(
      await within(card).findByText(/None of your practitioners can be reached here/),
    ).toBeVisible();
  });

  it('asks for nothing when no practitioner is assigned', async () => {
    portal();
    answer('GET /clients/cl-ada', {
      body: { ...ADA, assigned_practitioner_ids: [] },
      headers: { ETag: '"2"' },
    });
    renderWithClientToken();
    const card = await screen.findByRole('region', { name: 'My practitioners' });
    expect(within(card).getByText(/No practitioner is assigned to you yet/)).toBeVisible();
    expect(requests.some((r) => r.path.endsWith('/practitioners'))).toBe(false);
  });

  it('shows a failed load of the practitioners with a way to retry', async () => {
    portal();
    let calls = 0;
    let fail: () => void = () => undefined;
    const failed = new Promise<void>((resolve) => (fail = resolve));
    answer('GET /clients/cl-ada/practitioners', async () => {
      if (++calls > 1) return { body: { items: [SAM] } };
      await failed;
      return problem(500, 'Something went wrong.');
    });
    renderWithClientToken();
    const card = await screen.findByRole('region', { name: 'My practitioners' });
    expect(await within(card).findByText('Loading your practitioners…')).toBeInTheDocument();
    fail();
    expect(await within(card).findByRole('alert')).toBeVisible();
    await userEvent.click(within(card).getByRole('button', { name: 'Try again' }));
    expect(await within(card).findByText('Sam Carter')).toBeVisible();
  });

  it('signs the client out with the API’s reason when their login is removed', async () => {
    answer('GET /clients/cl-ada', problem(403, 'This client has no portal login'));
    renderWithClientToken();
    expect(await screen.findByTestId('signed-out')).toHaveTextContent(
      "You can't sign in to the client portal: This client has no portal login.",
    );
    expect(sessionStorage.getItem('momentum.token')).toBeNull();
  });
});

function renderWithClientToken() {
  const options = signInAda();
  sessionStorage.setItem('momentum.token', clientToken());
  return renderPage(<Guarded />, { ...options, role: null });
}

function clientToken(): string {
  const encode = (value: object) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return [
    encode({ alg: 'none' }),
    encode({
      sub: 'client-ada',
      'custom:org_id': 'org-test',
      'custom:role': 'client',
      'custom:client_id': 'cl-ada',
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
    'sig',
  ].join('.');
}
