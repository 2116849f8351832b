import { expect, test } from './fixtures.ts';

test.describe('the API reference', () => {
  test('renders the public OpenAPI document at /api/docs under the strict CSP, with nothing refused', async ({ page }) => {
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
    page.on('pageerror', (error) => refused.push(error.message));
    const res = await page.goto('/api/docs');
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.getByRole('heading', { name: /Cellular Retail API/ })).toBeVisible();
    // Operations of the cells and of gateway-global, grouped by who serves them.
    await expect(page.getByText('/api/products/{sku}', { exact: true }).first()).toBeVisible();
    await expect(page.getByText('/auth/token', { exact: true }).first()).toBeVisible();
    // A schema named after its contract module's export.
    await expect(page.getByRole('button', { name: /CatalogItem/ }).first()).toBeVisible();
    expect(refused).toEqual([]);
  });
});
