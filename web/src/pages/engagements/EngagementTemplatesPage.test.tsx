import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { answer, requests } from '../../test/api';
import { renderPage } from '../../test/render';
import EngagementTemplatesPage from './EngagementTemplatesPage';

const threeWeeks = {
  id: 'etpl-3w',
  name: 'Three-week coaching',
  type: 'one_to_one',
  threshold_days: 21,
  notify_off_track: true,
  version: 4,
};

function templates() {
  answer('GET /engagement-templates', {
    body: {
      items: [
        threeWeeks,
        {
          ...threeWeeks,
          id: 'etpl-m',
          name: 'Mentoring',
          threshold_days: null,
          notify_off_track: false,
        },
      ],
    },
  });
  answer('GET /engagement-templates/etpl-3w', { body: threeWeeks, headers: { ETag: '"4"' } });
  answer('PATCH /engagement-templates/etpl-3w', (r) => ({
    body: { ...threeWeeks, ...(r.body as object), version: 5 },
  }));
}

describe('engagement templates', () => {
  it('shows the threshold and the notifications toggle, checks the threshold, and saves with If-Match', async () => {
    templates();
    renderPage(<EngagementTemplatesPage />, { path: '/app/engagements/templates' });
    expect(await screen.findByRole('row', { name: /Three-week coaching/ })).toHaveTextContent(
      '3 weeks without a session',
    );
    expect(screen.getByRole('row', { name: /Mentoring/ })).toHaveTextContent('Off');
    await userEvent.click(screen.getByRole('button', { name: /^Edit\s*Three-week coaching$/ }));
    const threshold = await screen.findByLabelText('Threshold (days)');
    expect(threshold).toHaveValue(21);
    expect(screen.getByLabelText('Enable off-track notifications')).toBeChecked();
    await userEvent.clear(threshold);
    await userEvent.type(threshold, '0');
    await userEvent.click(screen.getByRole('button', { name: 'Save template' }));
    expect(
      await screen.findByText('The threshold is a whole number of days from 1 to 3650.'),
    ).toBeVisible();
    expect(requests.some((r) => r.method === 'PATCH')).toBe(false);
    await userEvent.clear(threshold);
    await userEvent.type(threshold, '28');
    await userEvent.click(screen.getByLabelText('Enable off-track notifications'));
    await userEvent.click(screen.getByRole('button', { name: 'Save template' }));
    await waitFor(() => expect(requests.some((r) => r.method === 'PATCH')).toBe(true));
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"4"');
    expect(patch?.body).toMatchObject({ threshold_days: 28, notify_off_track: false });
  });

  it('is read-only for staff', async () => {
    templates();
    renderPage(<EngagementTemplatesPage />, { role: 'staff', path: '/app/engagements/templates' });
    await screen.findByRole('row', { name: /Three-week coaching/ });
    expect(screen.queryByRole('button', { name: /Edit/ })).toBeNull();
    expect(screen.getByText('Only owners and administrators change templates.')).toBeVisible();
  });
});
