import { expect, test } from '@playwright/test';
import { expectAccessible, README_SCREENSHOT, screenshot, signIn } from './support';

test('the sign-in screen lists the demo people and signs in the one chosen', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/app\/sign-in/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  for (const who of [
    'owner',
    'admin',
    'location admin (north)',
    'staff (Sam)',
    'client (Ada, portal)',
  ]) {
    await expect(page.getByRole('button', { name: who, exact: true })).toBeVisible();
  }
  await expectAccessible(page, 'sign-in');
  await screenshot(page, 'sign-in');
  await page.getByRole('button', { name: 'owner', exact: true }).click();
  await expect(page).toHaveURL(/\/app\/on-track/);
  await expect(page.getByText('Harbour Physio & Coaching')).toBeVisible();
  // Signing out forgets the token: the app is back at the sign-in screen.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto('/app/on-track');
  await expect(page).toHaveURL(/\/app\/sign-in\?next=/);
});

test('the On track page: statuses in colour and words, filters, search, a row opens the client', async ({
  page,
}) => {
  await signIn(page, 'owner');
  const table = page.getByRole('table');
  await expect(table.getByRole('row', { name: /Ada Lovelace/ })).toContainText('On track');
  await expect(table.getByRole('row', { name: /Grace Hopper/ })).toContainText('At risk');
  await expect(table.getByRole('row', { name: /Alan Turing/ })).toContainText('Off track');
  await expectAccessible(page, 'On track page');
  await screenshot(page, 'on-track');
  // The README opens with this picture: made here, so it shows the app as it is.
  await page.screenshot({ path: README_SCREENSHOT });

  await page.getByText('At risk', { exact: true }).first().click();
  await expect(page).toHaveURL(/status=at_risk/);
  await expect(table.getByRole('row', { name: /Grace Hopper/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Ada Lovelace/ })).toHaveCount(0);
  await page.getByText('All', { exact: true }).click();

  await page.getByLabel('Search clients').fill('alan');
  await expect(table.getByRole('row')).toHaveCount(2); // the header and Alan
  await expect(table.getByRole('row', { name: /Alan Turing/ })).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);

  // From the keyboard: the client's link takes Enter, the dialog takes Escape.
  await table.getByRole('link', { name: 'Alan Turing' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Alan Turing' })).toBeVisible();
  await page.getByRole('button', { name: 'Book a session' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await expect(page.getByRole('dialog').getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Book a session' })).toBeFocused();
});
