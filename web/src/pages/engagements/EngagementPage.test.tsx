import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answer } from '../../test/api';
import { engagement, engagementTemplate, givenTemplates } from '../../test/engagements';
import { appointmentRecord } from '../../test/records';
import { renderPage } from '../../test/render';
import EngagementPage from './EngagementPage';

afterEach(() => {
  vi.useRealTimers();
});

function appointment(id: string, date: string, status: string, engagementId: string | null) {
  const people = { client_id: 'cl-ruth', practitioner_id: 'user-sam' };
  return appointmentRecord(date, { id, status, engagement_id: engagementId, ...people });
}

const history = [
  {
    field: 'status',
    from_status: null,
    to_status: 'draft',
    date: '2026-02-01',
    cause: 'created',
    at: '2026-02-01T09:00:00Z',
    actor_id: 'user-owner',
  },
  {
    field: 'status',
    from_status: 'draft',
    to_status: 'active',
    date: '2026-02-01',
    cause: 'launched',
    at: '2026-02-01T09:00:00Z',
    actor_id: 'user-owner',
  },
  {
    field: 'progress',
    from_status: 'on_track',
    to_status: 'off_track',
    date: '2026-03-22',
    cause: 'nightly',
    at: '2026-03-22T02:00:00Z',
    actor_id: null,
  },
];

describe('the engagement record', () => {
  it('says why it is Off track, with the settings copied at launch and the history', async () => {
    // 22 March 2026 in the organization's timezone (London): three weeks after the session.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-22T12:00:00Z') });
    answer('GET /engagements/eng-1', {
      body: engagement({
        started_on: '2026-02-01',
        progress: 'off_track',
        off_track_since: '2026-03-22',
        history,
      }),
      headers: { ETag: '"2"' },
    });
    answer('GET /appointments', {
      body: {
        items: [
          appointment('a1', '2026-02-15', 'completed', 'eng-1'),
          appointment('a2', '2026-03-01', 'cancelled', 'eng-1'),
          appointment('a3', '2026-03-10', 'completed', null), // another service, not coaching
        ],
      },
    });
    // The template changed since: the engagement keeps what it copied.
    givenTemplates(engagementTemplate({ threshold_days: 14, notify_off_track: false }));
    renderPage(<EngagementPage />, {
      path: '/app/engagements/eng-1',
      pattern: '/app/engagements/:engagementId',
    });
    // A cancelled session's date still counts as activity (SPEC §7).
    expect(await screen.findByTestId('progress-reason')).toHaveTextContent(
      /^21 days since the last session on Sun, (1 Mar|Mar 1), 2026, and no session is booked\.$/,
    );
    expect(screen.getByRole('region', { name: 'Progress' })).toHaveTextContent(
      /Off track since Sun, (22 Mar|Mar 22), 2026/,
    );
    // The engagement keeps its copy (21 days, notifications on) whatever the template says now.
    const settings = screen.getByRole('region', { name: 'Settings copied at launch' });
    expect(settings).toHaveTextContent('3 weeks (21 days)');
    expect(settings).toHaveTextContent('On: coachee, coach and owner are emailed');
    const sessions = screen.getByRole('region', { name: 'Sessions' });
    expect(await within(sessions).findAllByRole('row')).toHaveLength(3); // header + 2
    const rows = within(screen.getByRole('region', { name: 'Status history' })).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/^Sun, (22 Mar|Mar 22), 2026Off track/);
    expect(rows[2]).toHaveTextContent('Active');
    expect(rows[3]).toHaveTextContent('Draft');
    expect(screen.getByRole('button', { name: 'Mark completed' })).toBeInTheDocument();
  });

  it('shows "-" with the reason to a coach who is not its coach, and no actions', async () => {
    answer('GET /engagements/eng-1', {
      body: engagement({ coach_id: 'user-zoe', progress: 'not_tracking', history: [] }),
    });
    answer('GET /appointments', { body: { items: [] } });
    answer('GET /engagement-templates', { body: { items: [] } });
    renderPage(<EngagementPage />, {
      role: 'staff',
      path: '/app/engagements/eng-1',
      pattern: '/app/engagements/:engagementId',
    });
    expect(await screen.findByTestId('progress-reason')).toHaveTextContent(
      'Progress is shown only to the engagement’s owner, administrators and its coach.',
    );
    expect(screen.getByRole('region', { name: 'Progress' })).toHaveTextContent('Not tracking');
    expect(screen.queryByRole('button', { name: 'Mark completed' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Book a session' })).toBeNull();
  });
});
