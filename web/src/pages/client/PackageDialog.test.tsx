import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { answer, problem, requests } from '../../test/api';
import { packRecord } from '../../test/records';
import { renderPage } from '../../test/render';
import { PackageDialog } from './PackageDialog';

const SETTINGS = {
  enabled: true,
  window_days: 30,
  at_risk_below: 2,
  off_track_below: 1,
  reminder_after_days: 2,
  remind_team_member: true,
  remind_client: false,
  client_visible: false,
};

function givenPackage() {
  answer('GET /packages/pkg-1', {
    headers: { ETag: '"4"' },
    body: packRecord({
      template_id: 'tpl-1',
      end_date: '2026-06-30',
      last_session: '2026-05-01',
      on_track: SETTINGS,
      version: 4,
    }),
  });
}

describe('the pack dialog', () => {
  it('shows staff the thresholds but no editor', async () => {
    givenPackage();
    renderPage(<PackageDialog packageId="pkg-1" clientId="cl-1" onClose={vi.fn()} />, {
      role: 'staff',
    });
    expect(
      await screen.findByText('Only owners and administrators can change On track thresholds.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/30-day window · At risk below 2 · Off track below 1/),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Window (days)')).not.toBeInTheDocument();
    expect(screen.queryByLabelText(/Use settings for this client/)).not.toBeInTheDocument();
  });

  it('lets an owner override the thresholds, checked as the API checks them', async () => {
    givenPackage();
    answer('PATCH /packages/pkg-1', { body: {} });
    const onClose = vi.fn();
    renderPage(<PackageDialog packageId="pkg-1" clientId="cl-1" onClose={onClose} />, {
      role: 'owner',
    });
    await userEvent.click(await screen.findByLabelText(/Use settings for this client/));
    const offTrack = screen.getByLabelText('Off track below (sessions)');
    await userEvent.clear(offTrack);
    await userEvent.type(offTrack, '2');
    await userEvent.click(screen.getByRole('button', { name: 'Save pack' }));
    expect(screen.getByText('Off track must be less than At risk.')).toBeInTheDocument();
    expect(offTrack).toHaveAttribute('aria-invalid', 'true');
    expect(requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    await userEvent.clear(offTrack);
    await userEvent.type(offTrack, '0');
    await userEvent.click(screen.getByRole('button', { name: 'Save pack' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"4"');
    expect(patch?.body).toEqual({ on_track: { ...SETTINGS, off_track_below: 0 } });
  });

  it('shows the API field error next to its field', async () => {
    givenPackage();
    answer(
      'PATCH /packages/pkg-1',
      problem(422, 'The On track settings are invalid', [
        { loc: ['body', 'on_track', 'window_days'], msg: 'must be at most 365' },
      ]),
    );
    renderPage(<PackageDialog packageId="pkg-1" clientId="cl-1" onClose={vi.fn()} />, {
      role: 'admin',
    });
    await userEvent.click(await screen.findByLabelText(/Use settings for this client/));
    await userEvent.click(screen.getByRole('button', { name: 'Save pack' }));
    const field = screen.getByLabelText('Window (days)');
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(/Must be at most 365\./);
  });

  it('says so when someone else changed the pack first (412)', async () => {
    givenPackage();
    answer(
      'PATCH /packages/pkg-1',
      problem(412, 'The package changed since you read it; reload and try again.'),
    );
    renderPage(<PackageDialog packageId="pkg-1" clientId="cl-1" onClose={vi.fn()} />, {
      role: 'staff',
    });
    await userEvent.click(await screen.findByLabelText(/Preferred pack/));
    await userEvent.click(screen.getByRole('button', { name: 'Save pack' }));
    expect(await screen.findByText(/Someone else changed this record/)).toBeInTheDocument();
  });
});
