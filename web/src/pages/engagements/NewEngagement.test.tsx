import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { answer, requests } from '../../test/api';
import { engagement, engagementTemplate, givenTemplates } from '../../test/engagements';
import { renderPage } from '../../test/render';
import { NewEngagementButton } from './NewEngagement';

describe('a new engagement', () => {
  it('is launched from a template for a coachee and coach, with a fresh Idempotency-Key', async () => {
    givenTemplates(engagementTemplate());
    answer('GET /clients', {
      body: {
        items: [
          { id: 'cl-ruth', name: 'Ruth Bader', status: 'active' },
          { id: 'cl-ken', name: 'Ken Thompson', status: 'inactive' },
        ],
      },
    });
    answer('POST /engagements', { status: 201, body: engagement({ id: 'eng-new' }) });
    const created = vi.fn();
    renderPage(<NewEngagementButton onCreated={created} />);
    // (after renderPage, whose default is an empty team)
    answer('GET /users', {
      body: {
        items: [
          {
            id: 'user-owner',
            name: 'Olivia Owner',
            email: 'o@x',
            role: 'owner',
            location_ids: [],
            status: 'active',
            invited: true,
          },
          {
            id: 'user-sam',
            name: 'Sam Rivers',
            email: 's@x',
            role: 'staff',
            location_ids: [],
            status: 'active',
            invited: true,
          },
        ],
      },
    });
    await userEvent.click(screen.getByRole('button', { name: '+ New engagement' }));
    await userEvent.selectOptions(await screen.findByLabelText('Template'), 'etpl-3w');
    expect(
      screen.getByText(/progress tracking 3 weeks · off-track notifications on/),
    ).toBeVisible();
    // Inactive clients cannot start an engagement.
    expect(screen.queryByRole('option', { name: 'Ken Thompson' })).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText('Coachee'), 'cl-ruth');
    await userEvent.selectOptions(screen.getByLabelText('Coach'), 'user-sam');
    await userEvent.click(screen.getByRole('button', { name: 'Create engagement' }));
    await waitFor(() => expect(created).toHaveBeenCalledWith('eng-new'));
    const post = requests.find((r) => r.method === 'POST');
    expect(post?.body).toEqual({
      template_id: 'etpl-3w',
      coachee_id: 'cl-ruth',
      coach_id: 'user-sam',
      owner_id: 'user-owner',
      name: null,
      status: 'active',
    });
    expect(post?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
