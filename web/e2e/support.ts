import AxeBuilder from '@axe-core/playwright';
import {
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type Page,
} from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export const SCREENSHOTS = resolve(import.meta.dirname, '..', 'test-results', 'screenshots');
export const README_SCREENSHOT = resolve(
  import.meta.dirname,
  '..',
  '..',
  'docs',
  'images',
  'on-track.png',
);

interface DemoPerson {
  user_id: string;
  label: string;
  role: string;
  org: string;
}

/** Sign in through the sign-in screen, by clicking the demo person. */
export async function signIn(page: Page, label: string) {
  await page.goto('/app/sign-in');
  await page.getByRole('button', { name: label, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** No serious or critical axe-core violation on what the page shows now. */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} → ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(' | ')}`,
  );
  expect(summary, `axe on ${what}`).toEqual([]);
}

/** Save what the page shows to test-results/screenshots/NAME.png (whole page, or just the
 * viewport for dialogs, whose backdrop covers only the viewport). */
export async function screenshot(page: Page, name: string, fullPage = true) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage });
}

/** An API client signed in as a demo person, to set up a story's data quickly. */
export class Api {
  private constructor(
    readonly context: APIRequestContext,
    readonly timeZone: string,
  ) {}

  static async as(baseURL: string, label: string): Promise<Api> {
    const anonymous = await playwrightRequest.newContext({ baseURL });
    const people = (await (await anonymous.get('/_local/people')).json()) as {
      items: DemoPerson[];
    };
    const person = people.items.find((p) => p.label === label);
    if (!person) throw new Error(`No demo person ${label}`);
    const { token } = (await (
      await anonymous.post('/_local/sign-in', { data: { user_id: person.user_id } })
    ).json()) as { token: string };
    await anonymous.dispose();
    const context = await playwrightRequest.newContext({
      baseURL,
      extraHTTPHeaders: { Authorization: `Bearer ${token}` },
    });
    const org = (await (await context.get('/org')).json()) as { timezone: string };
    return new Api(context, org.timezone);
  }

  async call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    data?: unknown,
  ): Promise<T> {
    const response = await this.context.fetch(path, { method, data: data as object | undefined });
    if (!response.ok())
      throw new Error(`${method} ${path} → ${response.status()}: ${await response.text()}`);
    return (response.status() === 204 ? undefined : await response.json()) as T;
  }

  /** Today in the organization's timezone, shifted by some days: `YYYY-MM-DD`. */
  day(offset: number): string {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: this.timeZone }).format(new Date());
    const [y, m, d] = today.split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
  }

  /** The id of the record named `name` in the first 100 of a list. */
  private async idOf(list: string, name: string, what: string): Promise<string> {
    const page = await this.call<{ items: { id: string; name: string }[] }>(
      'GET',
      `${list}?limit=100`,
    );
    const found = page.items.find((r) => r.name === name);
    if (!found) throw new Error(`No ${what} ${name}`);
    return found.id;
  }

  templateId(name: string): Promise<string> {
    return this.idOf('/package-templates', name, 'template');
  }

  userId(name: string): Promise<string> {
    return this.idOf('/users', name, 'user');
  }

  async client(
    name: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; name: string }> {
    return this.call('POST', '/clients', {
      name,
      email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
      ...extra,
    });
  }

  /** A session at 10:00 (org time) on a day relative to today. */
  async session(
    clientId: string,
    practitionerId: string,
    dayOffset: number,
    status: string,
    extra: Record<string, unknown> = {},
  ) {
    const date = this.day(dayOffset);
    return this.call<{ id: string; package_id: string | null }>('POST', '/appointments', {
      client_id: clientId,
      practitioner_id: practitionerId,
      starts_at: `${date}T10:00:00Z`,
      ends_at: `${date}T11:00:00Z`,
      status,
      ...extra,
    });
  }

  /** The runner's clock (POST /_local/clock moves it; every date the API uses follows it). */
  async clock(): Promise<Date> {
    const { now } = await this.call<{ now: string }>('GET', '/_local/clock');
    return new Date(now);
  }

  /** Move the runner's clock forward by whole days and run the nightly evaluation there. */
  async travel(days: number): Promise<Date> {
    const then = new Date((await this.clock()).getTime() + days * 86_400_000);
    await this.call('POST', '/_local/clock', { now: then.toISOString() });
    await this.call('POST', '/_local/nightly');
    return then;
  }

  async dispose() {
    await this.context.dispose();
  }
}

/** The demo people the runner lists (GET /_local/people). */
export async function demoPeople(
  baseURL: string,
): Promise<(DemoPerson & { client_id: string | null })[]> {
  const anonymous = await playwrightRequest.newContext({ baseURL });
  const people = (await (await anonymous.get('/_local/people')).json()) as {
    items: (DemoPerson & { client_id: string | null })[];
  };
  await anonymous.dispose();
  return people.items;
}

/** Rows of a CSV export (RFC 4180 quoting; the byte order mark dropped). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const c = input.charAt(i);
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A name no other run of the stories uses. */
export function unique(name: string): string {
  return `${name} ${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
}
