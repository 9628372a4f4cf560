import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Client } from '../../api/types';
import { addDays, todayIn } from '../../lib/dates';
import { answer, requests } from '../../test/api';
import { renderPage } from '../../test/render';
import { AppointmentDialog } from './AppointmentDialog';

const CLIENT: Client = {
  id: 'cl-1',
  name: 'Ada Lovelace',
  status: 'active',
  assigned_practitioner_ids: ['user-staff'],
  availability: {},
  invited: false,
  has_login: false,
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

const TRACKER = {
  tracker_id: 'trk-1',
  note: 'Review with the insurer',
  color: '#E67E22',
  sessions: 4,
  used: 3,
  remaining: 1,
  begin_date: '2026-01-01',
  end_date: null,
  ended: false,
};

function pack(status: string, outstanding: number) {
  return {
    id: 'pkg-1',
    client_id: 'cl-1',
    name: '10-session pack',
    type: 'fixed',
    size: 10,
    unit: 'sessions',
    period: null,
    start_date: '2026-01-01',
    end_date: null,
    auto_renew: false,
    assigned_team_member_id: null,
    authorization: null,
    preferred: true,
    lifecycle: 'open',
    open: true,
    used_sessions: 10 - outstanding,
    used_hours: 0,
    outstanding,
    status,
    last_session: null,
    on_track: null,
    on_track_override: null,
    version: 1,
  };
}

function appointment(date: string, status = 'scheduled') {
  return {
    id: 'apt-1',
    client_id: 'cl-1',
    practitioner_id: 'user-staff',
    starts_at: `${date}T10:00:00Z`,
    ends_at: `${date}T11:00:00Z`,
    date,
    kind: 'session',
    status,
    package_id: 'pkg-1',
    engagement_id: null,
    notes: '',
    version: 2,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    trackers: [TRACKER],
  };
}

function givenPacks(status = 'at_risk', outstanding = 7) {
  answer('GET /clients/cl-1/packages', {
    body: { items: [pack(status, outstanding)], next_cursor: null },
  });
  answer('GET /package-templates', {
    body: {
      items: [{ id: 'tpl-1', name: '10-session pack', type: 'fixed', version: 1 }],
      next_cursor: null,
    },
  });
}

const today = todayIn('Europe/London');

describe('the appointment dialog', () => {
  it("shows tracker banners on today's appointments", async () => {
    givenPacks();
    answer('GET /appointments/apt-1', { body: appointment(today), headers: { ETag: '"2"' } });
    renderPage(
      <AppointmentDialog
        client={CLIENT}
        appointmentId="apt-1"
        onClose={vi.fn()}
        onCreated={vi.fn()}
      />,
    );
    expect(await screen.findByText('Review with the insurer')).toBeInTheDocument();
    expect(screen.getByText('3 of 4 used · 1 left')).toBeInTheDocument();
  });

  it('never shows tracker banners on future appointments, and will not complete them', async () => {
    givenPacks();
    answer('GET /appointments/apt-1', { body: appointment(addDays(today, 3)) });
    renderPage(
      <AppointmentDialog
        client={CLIENT}
        appointmentId="apt-1"
        onClose={vi.fn()}
        onCreated={vi.fn()}
      />,
    );
    expect(await screen.findByRole('button', { name: 'Mark completed' })).toBeDisabled();
    expect(screen.queryByText('Review with the insurer')).not.toBeInTheDocument();
  });

  it('completes with If-Match and shows the status change of the pack at once', async () => {
    givenPacks('at_risk', 7);
    answer('GET /appointments/apt-1', { body: appointment(today), headers: { ETag: '"2"' } });
    answer('PATCH /appointments/apt-1', () => {
      givenPacks('on_track', 6);
      answer('GET /packages/pkg-1', { body: pack('on_track', 6) });
      return { body: appointment(today, 'completed'), headers: { ETag: '"3"' } };
    });
    renderPage(
      <AppointmentDialog
        client={CLIENT}
        appointmentId="apt-1"
        onClose={vi.fn()}
        onCreated={vi.fn()}
      />,
    );
    await screen.findByText('Review with the insurer');
    await waitFor(() =>
      expect(requests.some((r) => r.path === '/clients/cl-1/packages')).toBe(true),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Mark completed' }));
    const notice = await screen.findByTestId('saved-notice');
    expect(notice).toHaveTextContent('Marked completed.');
    expect(notice).toHaveTextContent(/At risk.*On track/);
    expect(notice).toHaveTextContent('6 left');
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"2"');
    expect(patch?.body).toEqual({ status: 'completed' });
  });

  it('offers open packs (preferred first) and templates, and refuses an inactive client', async () => {
    givenPacks();
    renderPage(
      <AppointmentDialog
        client={{ ...CLIENT, status: 'inactive' }}
        appointmentId={null}
        onClose={vi.fn()}
        onCreated={vi.fn()}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Ada Lovelace is inactive.');
    expect(screen.getByRole('button', { name: 'Book session' })).toBeDisabled();
    const picker = screen.getByLabelText('Session pack');
    await waitFor(() => expect(picker).toHaveDisplayValue('10-session pack · 7 left · preferred'));
    expect(screen.getByRole('option', { name: 'New pack: 10-session pack' })).toBeInTheDocument();
  });
});
