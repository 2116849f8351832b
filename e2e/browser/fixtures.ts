import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { apiClient, type ApiClient } from '../src/client.ts';
import { shop, type Shop } from '../src/retail.ts';
import { startTestSystem, type TestSystem } from '../src/system.ts';

export { expect };

export type DemoUser = 'alice' | 'bob' | 'admin';

interface WorkerFixtures {
  /** The whole system, started for this worker on free ports with fresh data, stopped after it. */
  system: TestSystem;
  api: ApiClient;
  /** API shortcuts for setting up a scenario (products with exact stock, orders). */
  shop: Shop;
}

interface TestFixtures {
  /** A second, separate browser session (its own storage) for another user, e.g. the operator. */
  openSession: (user?: DemoUser) => Promise<Page>;
}

/** Sign in through the storefront's form, as a person would: a demo user, or a customer who signed up. */
export async function signIn(page: Page, user: DemoUser | { email: string; password: string }) {
  const { email, password } = typeof user === 'string' ? { email: `${user}@example.com`, password: user } : user;
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(`Signed in as ${email}.`)).toBeVisible();
}

/** Fill in the shipping address and place the order; returns the new order's id (from the page's URL). */
export async function checkOut(page: Page): Promise<string> {
  await page.getByRole('link', { name: /^Cart, / }).click();
  await page.getByRole('link', { name: 'Checkout' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout' })).toBeVisible();
  await page.getByLabel('Full name').fill('Alice Example');
  await page.getByLabel('Address line 1').fill('1 Main Street');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('12345');
  await page.getByLabel('Country').selectOption('US');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/orders\/[^/]+$/);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
}

/** Only the system under test: any other request (e.g. a product image elsewhere) is refused in the browser. */
async function keepLocal(browser: Browser, origin: string) {
  const context = await browser.newContext({ baseURL: origin });
  await context.route(
    (url) => url.origin !== origin,
    (route) => route.abort('blockedbyclient'),
  );
  return context;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  system: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern; it has none
    async ({}, use) => {
      const system = await startTestSystem();
      try {
        await use(system);
      } finally {
        await system.stop();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  api: [async ({ system }, use) => use(apiClient(system.url)), { scope: 'worker' }],
  shop: [async ({ api }, use) => use(await shop(api)), { scope: 'worker' }],
  baseURL: async ({ system }, use) => use(system.url),
  context: async ({ context, system }, use) => {
    await context.route(
      (url) => url.origin !== system.url,
      (route) => route.abort('blockedbyclient'),
    );
    await use(context);
  },
  openSession: async ({ browser, system }, use) => {
    const opened: Awaited<ReturnType<typeof keepLocal>>[] = [];
    await use(async (user) => {
      const context = await keepLocal(browser, system.url);
      opened.push(context);
      const page = await context.newPage();
      if (user) await signIn(page, user);
      return page;
    });
    for (const context of opened) await context.close();
  },
});

/**
 * Stop every process of a cell (its services and its gateway), as an outage would. Returns the way
 * back: services first, then the gateway; calling it again does nothing, so a `finally` may call it too.
 */
export async function stopCell(system: TestSystem, cell: string): Promise<() => Promise<void>> {
  const plans = system.plans.filter((p) => p.cell === cell);
  await Promise.all(plans.map((p) => system.process(p.name).stop()));
  let restarted: Promise<void> | undefined;
  return () =>
    (restarted ??= (async () => {
      await Promise.all(plans.filter((p) => p.kind !== 'cell-gateway').map((p) => system.process(p.name).start()));
      await Promise.all(plans.filter((p) => p.kind === 'cell-gateway').map((p) => system.process(p.name).start()));
    })());
}
