import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { answer, problem, requests } from '../test/api';
import { renderPage } from '../test/render';
import OnTrackPage from './OnTrackPage';

function row(name: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    client_id: `cl-${name}`,
    client_name: name,
    location_id: null,
    package_id: `pkg-${name}`,
    package_name: '10-session pack',
    assigned_team_member_id: null,
    last_session: '2026-05-10',
    days_since: 3,
    next_session: null,
    next_session_at: null,
    status,
    outstanding: 7,
    ...extra,
  };
}

describe('the On track page', () => {
  it('shows a skeleton, then one row per package with status in words', async () => {
    answer('GET /reports/on-track', {
      body: {
        items: [
          row('Ada', 'on_track', {
            next_session_at: '2026-05-31T23:30:00Z',
            next_session: '2026-06-01',
          }),
          row('Grace', 'at_risk'),
          row('Usage', 'not_tracking', { outstanding: 'N/A' }),
        ],
        next_cursor: 'c2',
      },
    });
    renderPage(<OnTrackPage />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading the On track report');
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('row', { name: /Ada/ })).toHaveTextContent('On track');
    expect(within(table).getByRole('row', { name: /Grace/ })).toHaveTextContent('At risk');
    expect(within(table).getByRole('row', { name: /Usage/ })).toHaveTextContent('N/A');
    // 23:30 UTC on 31 May is 00:30 on 1 June in London (the organization's timezone);
    // the test runner's locale is en-US.
    expect(within(table).getByRole('row', { name: /Ada/ })).toHaveTextContent(
      /Jun 1, 2026, 12:30\sAM/,
    );
    expect(screen.getByRole('button', { name: 'Next →' })).toBeEnabled();
  });

  it('asks the API for the chosen status and pages with its cursor', async () => {
    answer('GET /reports/on-track', (r) => ({
      body: {
        items: [row(r.query.get('cursor') ? 'Second' : 'First', 'off_track')],
        next_cursor: r.query.get('cursor') ? null : 'c2',
      },
    }));
    renderPage(<OnTrackPage />);
    await screen.findByText('First');
    await userEvent.click(screen.getByRole('radio', { name: 'Off track' }));
    await waitFor(() => expect(requests.at(-1)?.query.get('status')).toBe('off_track'));
    await userEvent.click(screen.getByRole('button', { name: 'Next →' }));
    await screen.findByText('Second');
    expect(requests.at(-1)?.query.get('cursor')).toBe('c2');
    expect(screen.getByText('Page 2')).toBeInTheDocument();
  });

  it('shows a 403 as "You don\'t have access to this"', async () => {
    answer('GET /reports/on-track', problem(403, 'Clients cannot see the On track report.'));
    renderPage(<OnTrackPage />, { role: 'staff' });
    expect(
      await screen.findByRole('heading', { name: "You don't have access to this" }),
    ).toBeInTheDocument();
    expect(screen.getByText('Clients cannot see the On track report.')).toBeInTheDocument();
  });
});
