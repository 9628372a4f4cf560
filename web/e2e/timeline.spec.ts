import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { Api, expectAccessible, parseCsv, screenshot, signIn, unique } from './support';

// The engagement story moves the runner's clock three weeks forward, and the clock never
// goes back: this file's name sorts it after every other story (Playwright runs files in
// name order with one worker), so no story meets a runner living in the future.

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

test('an engagement goes Off track after its threshold: the page and the report filter it, the export holds exactly those rows, and a coach who is not its coach sees -', async ({
  page,
  baseURL,
}) => {
  const owner = await Api.as(baseURL ?? '', 'owner');
  const sam = await owner.userId('Sam Rivers');
  const zoe = await owner.userId('Zoe Park');
  const templates = await owner.call<{ items: { id: string; name: string }[] }>(
    'GET',
    '/engagement-templates?limit=100',
  );
  const threeWeeks = templates.items.find((t) => t.name === 'Three-week coaching');
  const name = unique('Ruth Bader');
  // Assigned to Sam and Zoe: both see the engagement; only Sam, its coach, sees its progress.
  const coachee = await owner.client(name, { assigned_practitioner_ids: [sam, zoe] });
  const engagement = await owner.call<{ id: string; progress: string; started_on: string }>(
    'POST',
    '/engagements',
    { template_id: threeWeeks?.id, coachee_id: coachee.id, coach_id: sam, status: 'active' },
  );
  expect(engagement.progress).toBe('on_track');

  // Three weeks later with nothing booked: Off track from start + 21 days (SPEC §7: launched
  // 1 March, Off track from 22 March); the nightly run of that day records it. (The browser
  // keeps the real time: the tokens' expiry is real time too.)
  await owner.travel(21);
  const since = addDays(engagement.started_on, 21);

  await signIn(page, 'owner');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Engagements' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Engagements' })).toBeVisible();
  const table = page.getByRole('table');
  const row = table.getByRole('row', { name: new RegExp(name) });
  await expect(row).toBeVisible();

  // The progress filter applies on "View results", as in the seed.
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('radio', { name: 'Off track' }).check();
  await expect(page).not.toHaveURL(/progress=/);
  await page.getByRole('button', { name: 'View results' }).click();
  await expect(page).toHaveURL(/progress=off_track/);
  await expect(row.locator('[data-progress="off_track"]')).toContainText('Off track');
  await expect(table.locator('[data-progress="on_track"]')).toHaveCount(0);
  await expectAccessible(page, 'engagements page, Off track');
  await screenshot(page, 'engagements-off-track');

  // The On/Off track column can be hidden and shown again from "Columns".
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('checkbox', { name: 'On/Off track' }).uncheck();
  await expect(table.getByRole('columnheader', { name: 'On/Off track' })).toHaveCount(0);
  await expectAccessible(page, 'column chooser');
  await page.getByRole('checkbox', { name: 'On/Off track' }).check();
  await page.keyboard.press('Escape');
  await expect(table.getByRole('columnheader', { name: 'On/Off track' })).toBeVisible();

  // The record says why it is Off track, with the settings it copied and its history.
  await row.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Three-week coaching' })).toBeVisible();
  await expect(page.getByTestId('progress-reason')).toContainText(
    /21 days since the engagement started on .*, and no session is booked\./,
  );
  const settings = page.getByRole('region', { name: 'Settings copied at launch' });
  await expect(settings).toContainText('3 weeks (21 days)');
  await expect(page.getByRole('region', { name: 'Status history' })).toContainText('Off track');
  await expectAccessible(page, 'engagement record');
  await screenshot(page, 'engagement-record');

  // The report: Off track, off track since exactly that day: this engagement alone.
  await page.getByRole('link', { name: '← Engagements' }).click();
  await page
    .getByRole('navigation', { name: 'Coaching' })
    .getByRole('link', { name: 'Report' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Engagements report' })).toBeVisible();
  const filters = page.getByRole('form', { name: 'Report filters' });
  await filters.getByRole('radio', { name: 'Off track' }).check();
  await filters.getByLabel('From').fill(since);
  await filters.getByLabel('To').fill(since);
  await filters.getByRole('button', { name: 'View results' }).click();
  await expect(page).toHaveURL(new RegExp(`since_from=${since}`));
  const reportRows = page.getByRole('table').getByRole('row');
  await expect(reportRows).toHaveCount(2); // the header and this engagement
  await expect(reportRows.nth(1)).toContainText(name);
  await expectAccessible(page, 'engagements report');
  await screenshot(page, 'engagements-report');

  // The export holds exactly the rows the filters selected.
  const shownIds = await page
    .getByRole('table')
    .locator('tbody a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href')?.split('/').pop() ?? ''));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const [header, ...lines] = parseCsv(readFileSync(file, 'utf8')).filter((r) => r.some(Boolean));
  const idColumn = header?.indexOf('Engagement ID') ?? -1;
  expect(lines.map((l) => l[idColumn])).toEqual(shownIds);
  expect(shownIds).toEqual([engagement.id]);
  expect(lines[0]).toContain('Off track');

  // Zoe sees the engagement (its coachee is hers too) but is not its coach: `-`, explained.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'staff (Zoe)');
  await page.goto('/app/engagements');
  const zoeRow = page.getByRole('table').getByRole('row', { name: new RegExp(name) });
  const dash = zoeRow.locator('[data-progress="not_tracking"]');
  await expect(dash).toContainText('Not tracking');
  await expect(dash).toContainText('only to the engagement’s owner, administrators and its coach');
  await expectAccessible(page, 'engagements page as another coach');
  await screenshot(page, 'engagements-other-coach');
  await zoeRow.getByRole('link').click();
  await expect(page.getByTestId('progress-reason')).toContainText('Progress is shown only');
  await expect(page.getByRole('region', { name: 'Sessions' })).toContainText('No session yet');
  await expect(page.getByRole('region', { name: 'Settings copied at launch' })).toContainText(
    'Three-week coaching',
  );
  await screenshot(page, 'engagement-record-other-coach');

  // Templates: the threshold and the off-track notifications toggle (owners and admins).
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, 'owner');
  await page.goto('/app/engagements/templates');
  await page.getByRole('button', { name: 'Edit Three-week coaching' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Threshold (days)')).toHaveValue('21');
  await expect(dialog.getByLabel('Enable off-track notifications')).toBeChecked();
  await dialog.getByLabel('Threshold (days)').fill('0');
  await dialog.getByRole('button', { name: 'Save template' }).click();
  await expect(dialog.getByText('The threshold is a whole number of days')).toBeVisible();
  await expectAccessible(page, 'engagement template dialog');
  await screenshot(page, 'engagement-template', false);
  await owner.dispose();
});
