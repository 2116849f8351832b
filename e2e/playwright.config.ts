import { defineConfig, devices } from '@playwright/test';

/**
 * Browser end-to-end tests: the storefront and the console in a real Chromium, against the whole
 * system started by the suite itself (browser/fixtures.ts). The machine's Chromium is used, never a
 * downloaded one: CHROMIUM_PATH, else /usr/bin/chromium.
 */
export default defineConfig({
  testDir: './browser',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results',
  // One system per worker, and some tests stop cells: the scenarios run one after another.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['junit', { outputFile: 'test-results/junit.xml' }]] : [['list']],
  use: {
    ...devices['Desktop Chrome'],
    viewport: { width: 1280, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    headless: !process.env.HEADED,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      // No sandbox when running as root (containers, CI); no calls home — the machine may have no network.
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
      slowMo: process.env.SLOWMO ? Number(process.env.SLOWMO) : undefined,
    },
  },
});
