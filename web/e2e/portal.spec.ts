import { expect, test } from '@playwright/test';
import { Api, demoPeople, expectAccessible, screenshot, signIn } from './support';

// The client portal (seeds clients-help, on-track-packages), as the demo's client with a
// portal login (Ada) sees it. What the story changes on Ada's record is put back at the end.

interface Pack {
  id: string;
  name: string;
  open: boolean;
  on_track: Record<string, unknown> | null;
  on_track_override: Record<string, unknown> | null;
}

test('a client signs in to the portal: their own record, On track only when shared, their availability, and locked out when the login is removed', async ({
  page,
  baseURL,
}) => {
  const owner = await Api.as(baseURL ?? '', 'owner');
  const ada = (await demoPeople(baseURL ?? '')).find((p) => p.label === 'client (Ada, portal)');
  const adaId = ada?.client_id ?? '';
  const record = await owner.call<{ availability: Record<string, unknown> }>(
    'GET',
    `/clients/${adaId}`,
  );
  const packs = await owner.call<{ items: Pack[] }>('GET', `/clients/${adaId}/packages`);
  const pack = packs.items.find((p) => p.open && p.on_track);
  if (!pack) throw new Error('Ada has no tracked open pack');
  try {
    await signIn(page, 'client (Ada, portal)');
    await expect(page).toHaveURL(/\/app\/portal$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada' })).toBeVisible();
    // Staff pages are not offered to a client, and not reachable either.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link')).toHaveText(['My portal']);
    await page.goto('/app/on-track');
    await expect(page).toHaveURL(/\/app\/portal$/);

    const upcoming = page.getByRole('region', { name: 'Upcoming sessions' });
    await expect(upcoming.getByRole('row')).not.toHaveCount(0);
    const history = page.getByRole('region', { name: 'Service history' });
    await expect(history.getByRole('cell', { name: 'Completed' }).first()).toBeVisible();
    const tracked = page.getByTestId('portal-package').filter({ hasText: pack.name });
    await expect(tracked).toContainText(/\d+ sessions left/);
    // The practice has not made this package's On track status client-visible.
    await expect(tracked.locator('.badge')).toHaveCount(0);
    // Her practitioner's contact details (demo: Sam Rivers), which a client may read.
    const practitioners = page.getByRole('region', { name: 'My practitioners' });
    await expect(practitioners).toContainText('Sam Rivers');
    await expect(practitioners.getByRole('link', { name: 'sam@harbour.example' })).toBeVisible();
    await expectAccessible(page, 'client portal');
    await screenshot(page, 'portal');

    // The practice shares it (client level, client_visible): now Ada sees her status.
    await owner.call('PATCH', `/packages/${pack.id}`, {
      on_track: { ...pack.on_track, client_visible: true },
    });
    await page.reload();
    await expect(tracked.locator('.badge')).toHaveText(/On track|At risk|Off track/);
    await screenshot(page, 'portal-status-shared');

    // Her weekly availability, edited by herself.
    const availability = page.getByRole('region', { name: 'My weekly availability' });
    await availability.getByRole('button', { name: 'Edit availability' }).click();
    await availability.getByRole('button', { name: '+ Add time on Wednesday' }).click();
    await availability.getByLabel('Wednesday range 1 start').fill('08:30');
    await availability.getByLabel('Wednesday range 1 end').fill('11:00');
    await expectAccessible(page, 'portal availability editor');
    await availability.getByRole('button', { name: 'Save availability' }).click();
    await expect(availability).toContainText('08:30–11:00');
    const saved = await owner.call<{ availability: Record<string, { start: string }[]> }>(
      'GET',
      `/clients/${adaId}`,
    );
    expect(saved.availability.wednesday).toEqual([{ start: '08:30', end: '11:00' }]);

    // The owner removes her login: at her next step she is out, and told why.
    await owner.call('DELETE', `/clients/${adaId}/login`);
    await page.reload();
    await expect(page).toHaveURL(/\/app\/sign-in/);
    const notice = page.getByTestId('signin-notice');
    await expect(notice).toContainText("You can't sign in to the client portal");
    await expect(notice).toContainText('no portal login');
    // Signing in again is refused with the same reason.
    await page.getByRole('button', { name: 'client (Ada, portal)', exact: true }).click();
    await expect(notice).toContainText('no portal login');
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    await expectAccessible(page, 'sign-in after the login was removed');
    await screenshot(page, 'portal-locked-out');
  } finally {
    await owner.call('PUT', `/clients/${adaId}/login`, {}).catch(() => undefined);
    await owner.call('PATCH', `/packages/${pack.id}`, { on_track: pack.on_track_override });
    await owner.call('PUT', `/clients/${adaId}/availability`, record.availability);
    await owner.dispose();
  }
});
