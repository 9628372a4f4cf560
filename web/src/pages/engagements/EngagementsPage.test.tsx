import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { answer, requests } from '../../test/api';
import { engagement } from '../../test/engagements';
import { renderPage } from '../../test/render';
import EngagementsPage from './EngagementsPage';

function list() {
  answer('GET /engagements', (r) => ({
    body: {
      items: r.query.get('cursor')
        ? [engagement({ id: 'eng-9', coachee_name: 'Page Two', progress: 'on_track' })]
        : [
            engagement({ id: 'eng-1', coachee_name: 'Ruth Bader', progress: 'on_track' }),
            engagement({
              id: 'eng-2',
              coachee_name: 'Margaret Hamilton',
              progress: 'off_track',
              off_track_since: '2026-03-22',
            }),
            engagement({
              id: 'eng-3',
              coachee_name: 'Frances Allen',
              status: 'draft',
              progress: 'not_tracking',
            }),
          ],
      next_cursor: r.query.get('cursor') ? null : 'c2',
    },
  }));
}

describe('the Engagements page', () => {
  it('shows the On/Off track column with words for screen readers, and hides it from Columns', async () => {
    list();
    renderPage(<EngagementsPage />, { path: '/app/engagements' });
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('row', { name: /Ruth Bader/ })).toHaveTextContent('On track');
    expect(within(table).getByRole('row', { name: /Margaret Hamilton/ })).toHaveTextContent(
      'Off track since',
    );
    expect(within(table).getByRole('row', { name: /Frances Allen/ })).toHaveTextContent(
      'Not tracking. Not tracked: the engagement is draft, not active.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Columns' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'On/Off track' }));
    expect(within(table).queryByRole('columnheader', { name: 'On/Off track' })).toBeNull();
    expect(within(table).queryByText(/On track/)).toBeNull();
    // The choice is remembered in this browser.
    expect(localStorage.getItem('momentum.columns.engagements')).toContain('progress');
    await userEvent.click(screen.getByRole('checkbox', { name: 'On/Off track' }));
    expect(within(table).getByRole('columnheader', { name: 'On/Off track' })).toBeInTheDocument();
    localStorage.clear();
  });

  it('filters by progress only on "View results", and pages with the cursor', async () => {
    list();
    renderPage(<EngagementsPage />, { path: '/app/engagements' });
    await screen.findByRole('table');
    await userEvent.click(screen.getByRole('button', { name: 'Filter' }));
    await userEvent.click(screen.getByRole('radio', { name: 'Off track' }));
    // Choosing is not applying: nothing asked for yet.
    expect(requests.filter((r) => r.path === '/engagements' && r.query.get('progress'))).toEqual(
      [],
    );
    await userEvent.click(screen.getByRole('button', { name: 'View results' }));
    await waitFor(() => expect(requests.at(-1)?.query.get('progress')).toBe('off_track'));
    expect(screen.getByRole('button', { name: 'Filter (1)' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next →' }));
    await screen.findByText('Page Two');
    expect(requests.at(-1)?.query.get('cursor')).toBe('c2');
    expect(requests.at(-1)?.query.get('progress')).toBe('off_track');
  });

  it('explains "-" to a coach who is not the engagement\'s coach', async () => {
    answer('GET /engagements', {
      body: { items: [engagement({ coach_id: 'someone-else', progress: 'not_tracking' })] },
    });
    renderPage(<EngagementsPage />, { role: 'staff', path: '/app/engagements' });
    const row = await screen.findByRole('row', { name: /Ruth Bader/ });
    expect(row).toHaveTextContent(
      'Not tracking. Progress is shown only to the engagement’s owner, administrators and its coach.',
    );
    // Staff set up no engagements.
    expect(screen.queryByRole('button', { name: '+ New engagement' })).toBeNull();
  });
});
