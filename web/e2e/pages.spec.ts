import { expect, test } from '@playwright/test';
import { Api, expectAccessible, screenshot, signIn } from './support';

// Every page once, as the people who use it: it loads, says what it is, and axe-core finds
// no serious or critical violation.

test('the practice pages, for an owner', async ({ page }) => {
  await signIn(page, 'owner');
  const pages: { link: string; heading: string; ready: RegExp | string; shot: string }[] = [
    { link: 'Clients', heading: 'Clients', ready: 'Ada Lovelace', shot: 'clients' },
    {
      link: 'Session packs',
      heading: 'Session packs',
      ready: 'Insurer authorised (6)',
      shot: 'packs',
    },
    { link: 'Invoices', heading: 'Invoices', ready: /No invoices yet|Total/, shot: 'invoices' },
    { link: 'Tasks', heading: 'Tasks', ready: /Nothing to do|Mark done/, shot: 'tasks' },
    { link: 'Settings', heading: 'Settings', ready: 'Locations', shot: 'settings' },
  ];
  for (const p of pages) {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: p.link })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
    await expect(page.getByText(p.ready).first()).toBeVisible();
    await expectAccessible(page, p.heading);
    await screenshot(page, p.shot);
  }
  await expect(page.getByLabel('Timezone')).toHaveValue('Europe/London');
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('cell', { name: 'sam@harbour.example' })).toBeVisible();
  await expectAccessible(page, 'Settings: users');
  await page.getByRole('link', { name: 'My email' }).click();
  await expect(page.getByLabel('On track reminders')).toBeVisible();
  await expectAccessible(page, 'Settings: my email');

  // A past appointment of a client with a tracker shows the tracker's banner.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Clients' })
    .click();
  await page.getByRole('link', { name: 'Ada Lovelace' }).click();
  await expect(page.getByTestId('tracker').first()).toContainText(
    'Review progress with the insurer',
  );
  const past = page.getByRole('region', { name: 'Appointments' }).getByRole('table').nth(1);
  await past.getByRole('row').nth(1).getByRole('button').click();
  await expect(page.getByRole('dialog').getByTestId('tracker')).toContainText(
    'Review progress with the insurer',
  );
  await expectAccessible(page, 'appointment dialog with a tracker');
  await screenshot(page, 'appointment-tracker', false);
  await page.keyboard.press('Escape');

  // The pack template editor checks the threshold rules as the API does.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Session packs' })
    .click();
  await page.getByRole('button', { name: 'Edit 10-session pack' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Window (days)').fill('400');
  await dialog.getByRole('button', { name: 'Save template' }).click();
  await expect(dialog.getByText('The window is 1 to 365 days.')).toBeVisible();
  await expectAccessible(page, 'template dialog');
  await screenshot(page, 'template-dialog', false);
});

test('a staff member: their own clients, no organization settings, and a 403 said plainly', async ({
  page,
  baseURL,
}) => {
  const owner = await Api.as(baseURL ?? '', 'owner');
  const clients = await owner.call<{ items: { id: string; name: string }[] }>(
    'GET',
    '/clients?limit=100',
  );
  const alan = clients.items.find((c) => c.name === 'Alan Turing');
  await owner.dispose();
  await signIn(page, 'staff (Sam)');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Settings' })
    .click();
  await expect(
    page.getByText('Only owners and administrators change these settings.'),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  // Alan Turing is Zoe's client, not Sam's.
  await page.goto(`/app/clients/${alan?.id ?? ''}`);
  await expect(
    page.getByRole('heading', { name: /You don't have access to this|Not found/ }),
  ).toBeVisible();
  await expectAccessible(page, 'refused client record');
  await screenshot(page, 'staff-refused');
});
