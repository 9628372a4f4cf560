import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

// The browser tests run against the real local runner (python -m local serve), which serves
// the built app (web/dist) and the API on one origin. `make web-e2e` builds first.
const repo = resolve(import.meta.dirname, '..');
const python = resolve(repo, '.venv/bin/python');

function freePort(): number {
  const out = execFileSync(
    python,
    ['-c', 'from local.runtime import free_port; print(free_port())'],
    {
      cwd: repo,
    },
  );
  return Number(String(out).trim());
}

// Worker processes load this file again: they inherit the port through the environment.
const port = Number(process.env.MOMENTUM_E2E_PORT ?? 0) || freePort();
process.env.MOMENTUM_E2E_PORT = String(port);
const baseURL = `http://127.0.0.1:${port}`;
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  throw new Error(
    `No Chromium at ${chromium}: apt-get install -y chromium (make web-e2e does it).`,
  );
}

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/playwright',
  // One runner, one browser: the machine has 2 cores and the stories share the runner.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL,
    // The browser sits in another timezone than the practice (Europe/London), so every date
    // on screen proves it is shown in the organization's timezone, not the browser's.
    timezoneId: 'America/New_York',
    locale: 'en-GB',
    viewport: { width: 1360, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: chromium,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--lang=en-GB',
      ],
    },
  },
  webServer: {
    command: `${python} -m local serve --port ${port}`,
    cwd: repo,
    url: `${baseURL}/_local/people`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
