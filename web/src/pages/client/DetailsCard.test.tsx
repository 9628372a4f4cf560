import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { answer, requests } from '../../test/api';
import { clientRecord } from '../../test/records';
import { renderPage } from '../../test/render';
import { DetailsCard } from './DetailsCard';

const CLIENT = clientRecord({ assigned_practitioner_ids: ['user-sam', 'user-staff'] });

function client() {
  answer('GET /clients/cl-1', { body: CLIENT, headers: { ETag: '"1"' } });
  answer('GET /clients/cl-1/practitioners', {
    body: { items: [{ id: 'user-sam', name: 'Sam Carter', email: 'sam@example.com' }] },
  });
}

describe('the client record’s practitioners', () => {
  it('names colleagues for staff, who may not list the team', async () => {
    client();
    renderPage(<DetailsCard client={CLIENT} etag='"1"' />, { role: 'staff' });
    const card = await screen.findByRole('region', { name: 'Practitioners' });
    expect(await within(card).findByText('Sam Carter')).toBeVisible();
    expect(await within(card).findByText('Me (you)')).toBeVisible();
    expect(within(card).queryByText('Team member')).toBeNull();
  });

  it('asks nothing more for administrators, who list the team already', async () => {
    client();
    renderPage(<DetailsCard client={CLIENT} etag='"1"' />, { role: 'owner' });
    await screen.findByRole('region', { name: 'Practitioners' });
    await waitFor(() => expect(requests.some((r) => r.path === '/users')).toBe(true));
    expect(requests.some((r) => r.path.endsWith('/practitioners'))).toBe(false);
  });
});
