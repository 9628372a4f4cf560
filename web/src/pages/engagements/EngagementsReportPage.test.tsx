import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { answer, requests } from '../../test/api';
import { reportRow } from '../../test/engagements';
import { renderPage } from '../../test/render';
import EngagementsReportPage from './EngagementsReportPage';

beforeEach(() => {
  // jsdom has no object URLs: the download itself is the browser's business.
  URL.createObjectURL = vi.fn(() => 'blob:engagements');
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => localStorage.clear());

describe('the Engagements report', () => {
  it('asks for the chosen progress and Off Track Since range, and exports exactly those rows', async () => {
    answer('GET /reports/engagements', (r) =>
      r.query.get('format') === 'csv'
        ? { body: 'csv', headers: { 'Content-Disposition': 'attachment; filename="e.csv"' } }
        : {
            body: {
              items: [reportRow({ progress: 'off_track', off_track_since: '2026-03-22' })],
            },
          },
    );
    renderPage(<EngagementsReportPage />, { path: '/app/engagements/report' });
    await screen.findByRole('table');
    const form = screen.getByRole('form', { name: 'Report filters' });
    await userEvent.click(screen.getByRole('radio', { name: 'Off track' }));
    await userEvent.type(screen.getByLabelText('From'), '2026-03-01');
    await userEvent.type(screen.getByLabelText('To'), '2026-03-31');
    expect(form).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'View results' }));
    await waitFor(() => {
      const q = requests.at(-1)?.query;
      expect(q?.get('progress')).toBe('off_track');
      expect(q?.get('off_track_since_from')).toBe('2026-03-01');
      expect(q?.get('off_track_since_to')).toBe('2026-03-31');
    });
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(requests.at(-1)?.query.get('format')).toBe('csv'));
    const csv = requests.at(-1)?.query;
    expect(csv?.get('progress')).toBe('off_track');
    expect(csv?.get('off_track_since_from')).toBe('2026-03-01');
    expect(csv?.get('off_track_since_to')).toBe('2026-03-31');
    expect(csv?.get('limit')).toBeNull(); // every filtered row, not one page
  });

  it('refuses a range that ends before it starts, next to the field, without asking', async () => {
    answer('GET /reports/engagements', { body: { items: [] } });
    renderPage(<EngagementsReportPage />, { path: '/app/engagements/report' });
    await screen.findByText('No engagements yet.');
    const asked = requests.length;
    await userEvent.type(screen.getByLabelText('From'), '2026-03-31');
    await userEvent.type(screen.getByLabelText('To'), '2026-03-01');
    await userEvent.click(screen.getByRole('button', { name: 'View results' }));
    expect(await screen.findByText('The end of the range is before its start.')).toBeVisible();
    expect(screen.getByLabelText('To')).toHaveAttribute('aria-invalid', 'true');
    expect(requests.length).toBe(asked);
  });
});
