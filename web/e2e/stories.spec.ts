import { expect, test, type Page } from '@playwright/test';
import { Api, expectAccessible, screenshot, signIn, unique } from './support';
import { formatDate } from '../src/lib/dates';

// The seeds' practice stories, done by clicking (issue 12). Each story makes its own client
// through the API so the stories never depend on one another or on the demo's state.

let owner: Api;
let sam: string;
let tenPack: string;

test.beforeAll(async ({ baseURL }) => {
  owner = await Api.as(baseURL ?? '', 'owner');
  sam = await owner.userId('Sam Rivers');
  tenPack = await owner.templateId('10-session pack');
});

test.afterAll(async () => {
  await owner.dispose();
});

async function openClient(page: Page, clientId: string, name: string) {
  await page.goto(`/app/clients/${clientId}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('a package goes At risk when a session is cancelled, and back On track when one is completed', async ({
  page,
}) => {
  const name = unique('Rosalind Franklin');
  const client = await owner.client(name, { assigned_practitioner_ids: [sam] });
  const pack = await owner.call<{ id: string }>('POST', `/clients/${client.id}/packages`, {
    template_id: tenPack,
    start_date: owner.day(-60),
    preferred: true,
  });
  await owner.session(client.id, sam, -12, 'completed', { package_id: pack.id });
  await owner.session(client.id, sam, -5, 'completed', { package_id: pack.id });
  await owner.session(client.id, sam, 0, 'scheduled', { package_id: pack.id });

  await signIn(page, 'owner');
  await openClient(page, client.id, name);
  const onTrack = page.getByRole('region', { name: 'On track' });
  await expect(onTrack.getByRole('row', { name: /10-session pack/ })).toContainText('On track');
  await expectAccessible(page, 'client record');
  await screenshot(page, 'client-record');

  // Cancel the session of five days ago: one completed session in the window → At risk.
  const past = page.getByRole('region', { name: 'Appointments' });
  await past.getByRole('button', { name: new RegExp(dayLabel(owner.day(-5))) }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('Completed', { exact: true })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel session' }).click();
  const notice = dialog.getByTestId('saved-notice');
  await expect(notice).toContainText('Session cancelled.');
  await expect(notice).toContainText('On track');
  await expect(notice).toContainText('At risk');
  await expect(dialog.getByText('Cancelled', { exact: true })).toBeVisible();
  await expectAccessible(page, 'appointment dialog');
  await screenshot(page, 'appointment-cancelled', false);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(onTrack.getByRole('row', { name: /10-session pack/ })).toContainText('At risk');

  // Complete today's session: two again → On track, visible as soon as it is saved.
  await past.getByRole('button', { name: new RegExp(dayLabel(owner.day(0))) }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Mark completed' }).click();
  await expect(page.getByTestId('saved-notice')).toContainText('At risk');
  await expect(page.getByTestId('saved-notice')).toContainText('On track');
  await screenshot(page, 'appointment-completed', false);
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expect(onTrack.getByRole('row', { name: /10-session pack/ })).toContainText('On track');

  // The On track page agrees.
  await page.getByRole('link', { name: 'On track', exact: true }).click();
  await page.getByLabel('Search clients').fill(name);
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('On track');
});

test('a pack is created from an appointment', async ({ page }) => {
  const name = unique('Hedy Lamarr');
  const client = await owner.client(name, { assigned_practitioner_ids: [sam] });
  await signIn(page, 'owner');
  await openClient(page, client.id, name);
  await expect(page.getByRole('region', { name: 'Session packs' })).toContainText('No packs yet');

  await page.getByRole('button', { name: 'Book a session' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Record a completed session').click();
  await dialog.getByLabel('Session pack').selectOption({ label: 'New pack: 10-session pack' });
  await expectAccessible(page, 'new appointment dialog');
  await screenshot(page, 'appointment-new', false);
  await dialog.getByRole('button', { name: 'Record session' }).click();
  await expect(dialog.getByTestId('saved-notice')).toContainText('Session recorded.');
  await expect(dialog.getByTestId('saved-notice')).toContainText(
    'New pack “10-session pack” created',
  );
  await expect(dialog.getByTestId('saved-notice')).toContainText('9 left');
  await dialog.getByRole('button', { name: 'Close' }).click();

  const packs = page.getByRole('region', { name: 'Session packs' });
  const row = packs.getByRole('row', { name: /10-session pack/ });
  await expect(row).toContainText('Open');
  await expect(row.getByRole('cell').nth(2)).toHaveText('1');
  await expect(row.getByRole('cell').nth(3)).toHaveText('9');
});

test('the 9th tracker is refused with the API message', async ({ page }) => {
  const name = unique('Mary Jackson');
  const client = await owner.client(name);
  for (let i = 1; i <= 8; i++) {
    await owner.call('POST', `/clients/${client.id}/trackers`, {
      sessions: 4 + i,
      begin_date: owner.day(-30),
      note: `Tracker ${i}`,
      color: '#2E86C1',
    });
  }
  await signIn(page, 'owner');
  await openClient(page, client.id, name);
  const trackers = page.getByRole('region', { name: /Session trackers/ });
  await expect(trackers.getByTestId('tracker')).toHaveCount(8);
  await expect(trackers).toContainText('8 of 8');
  await trackers.getByRole('button', { name: '+ Add tracker' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Tracker note').fill('One too many');
  await dialog.getByRole('button', { name: 'Add tracker' }).click();
  const refused = dialog.getByRole('alert');
  await expect(refused).toContainText('This cannot be done now');
  await expect(refused).toContainText(/8/);
  await expectAccessible(page, 'tracker dialog');
  await screenshot(page, 'tracker-refused', false);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(trackers.getByTestId('tracker')).toHaveCount(8);
});

test('a staff member sees On track but cannot edit thresholds; an owner can, within the rules', async ({
  page,
}) => {
  const name = unique('Annie Easley');
  const client = await owner.client(name, { assigned_practitioner_ids: [sam] });
  await owner.call('POST', `/clients/${client.id}/packages`, {
    template_id: tenPack,
    start_date: owner.day(-10),
  });

  await signIn(page, 'staff (Sam)');
  await openClient(page, client.id, name);
  await page
    .getByRole('region', { name: 'Session packs' })
    .getByRole('button', { name: /^Edit/ })
    .click();
  let dialog = page.getByRole('dialog');
  await expect(
    dialog.getByText('Only owners and administrators can change On track thresholds.'),
  ).toBeVisible();
  await expect(dialog.getByLabel('Window (days)')).toHaveCount(0);
  await expect(dialog.getByLabel(/Use settings for this client/)).toHaveCount(0);
  await expectAccessible(page, 'pack dialog (staff)');
  await screenshot(page, 'pack-staff', false);
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  await page.getByRole('button', { name: 'Sign out' }).click();

  await signIn(page, 'owner');
  await openClient(page, client.id, name);
  await page
    .getByRole('region', { name: 'Session packs' })
    .getByRole('button', { name: /^Edit/ })
    .click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Use settings for this client/).check();
  await dialog.getByLabel('At risk below (sessions)').fill('2');
  await dialog.getByLabel('Off track below (sessions)').fill('2');
  await dialog.getByRole('button', { name: 'Save pack' }).click();
  await expect(dialog.getByText('Off track must be less than At risk.')).toBeVisible();
  await dialog.getByLabel('Off track below (sessions)').fill('1');
  await dialog.getByRole('button', { name: 'Save pack' }).click();
  await expect(dialog).toHaveCount(0);
});

test('an inactive client cannot be booked', async ({ page }) => {
  const name = unique('Ken Inactive');
  const client = await owner.client(name, { status: 'inactive' });
  await signIn(page, 'owner');
  await openClient(page, client.id, name);
  await expect(page.getByText('Inactive', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Book a session' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('alert')).toContainText(`${name} is inactive.`);
  await expect(dialog.getByRole('button', { name: 'Book session' })).toBeDisabled();
  await screenshot(page, 'inactive-booking', false);
});

/** How the appointments table starts a row dated `date` ("Fri, 4 Dec 2026"), any time. */
function dayLabel(date: string): string {
  return formatDate(date, 'en-GB');
}
