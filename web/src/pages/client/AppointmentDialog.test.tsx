import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { addDays, todayIn } from '../../lib/dates';
import { answer, requests } from '../../test/api';
import { appointmentRecord, clientRecord, packRecord } from '../../test/records';
import { renderPage } from '../../test/render';
import { AppointmentDialog } from './AppointmentDialog';

const CLIENT = clientRecord();

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
  return packRecord({ status, outstanding, used_sessions: 10 - outstanding, preferred: true });
}

function appointment(date: string, status = 'scheduled') {
  const fields = { status, package_id: 'pkg-1', version: 2, trackers: [TRACKER] };
  return appointmentRecord(date, fields);
}

/** The dialog on appointment apt-1, or (null) on a new one. */
function openDialog(appointmentId: string | null = 'apt-1', client = CLIENT) {
  renderPage(
    <AppointmentDialog
      client={client}
      appointmentId={appointmentId}
      onClose={vi.fn()}
      onCreated={vi.fn()}
    />,
  );
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
    openDialog();
    expect(await screen.findByText('Review with the insurer')).toBeInTheDocument();
    expect(screen.getByText('3 of 4 used · 1 left')).toBeInTheDocument();
  });

  it('never shows tracker banners on future appointments, and will not complete them', async () => {
    givenPacks();
    answer('GET /appointments/apt-1', { body: appointment(addDays(today, 3)) });
    openDialog();
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
    openDialog();
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
    openDialog(null, { ...CLIENT, status: 'inactive' });
    expect(screen.getByRole('alert')).toHaveTextContent('Ada Lovelace is inactive.');
    expect(screen.getByRole('button', { name: 'Book session' })).toBeDisabled();
    const picker = screen.getByLabelText('Session pack');
    await waitFor(() => expect(picker).toHaveDisplayValue('10-session pack · 7 left · preferred'));
    expect(screen.getByRole('option', { name: 'New pack: 10-session pack' })).toBeInTheDocument();
  });
});
