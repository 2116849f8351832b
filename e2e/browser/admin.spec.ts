import { expect, signIn, test } from './fixtures.ts';

test.describe('an operator', () => {
  test('adds a product, corrects its price and stocks it; customers then find it in stock', async ({ page, openSession }) => {
    const sku = `E2E-VASE-${Date.now().toString(36).toUpperCase()}`;
    await signIn(page, 'admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible();
    await page.getByRole('link', { name: 'Add product' }).click();

    // Bad input is explained at the field, and nothing is created.
    await page.getByLabel('SKU').fill('bad sku');
    await page.getByLabel('Name').fill('Stone Vase');
    await page.getByLabel('Category').fill('home');
    await page.getByLabel('Price').fill('25');
    await page.getByRole('button', { name: 'Create product' }).click();
    await expect(page.getByText(/^SKU: 3–32 characters/)).toBeVisible();
    await expect(page.getByLabel('SKU')).toHaveAttribute('aria-invalid', 'true');

    await page.getByLabel('SKU').fill(sku);
    await page.getByLabel('Description').fill('Hand-thrown stoneware vase.');
    await page.getByRole('button', { name: 'Create product' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Added Stone Vase.' })).toBeVisible();
    await expect(page.getByRole('row', { name: new RegExp(sku) })).toContainText('$25.00');

    await page.getByRole('link', { name: 'Edit Stone Vase' }).click();
    await expect(page.getByLabel('Price')).toHaveValue('25.00');
    await page.getByLabel('Price').fill('19.99');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('row', { name: new RegExp(sku) })).toContainText('$19.99');

    // New products start with no stock: receive some.
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Stock' }).click();
    await page.getByRole('link', { name: `Adjust ${sku}` }).click();
    await expect(page.getByLabel('SKU')).toHaveValue(sku);
    await page.getByLabel('Change').fill('7');
    await page.getByLabel('Reason').fill('delivery');
    await page.getByRole('button', { name: 'Apply adjustment' }).click();
    await expect(page.getByRole('status').filter({ hasText: `${sku}: 7 on hand, 7 available.` })).toBeVisible();
    await expect(page.getByRole('row', { name: new RegExp(sku) })).toContainText('7');

    // A customer's shop shows it, priced and in stock (the catalog learns of stock from inventory events).
    const guest = await openSession();
    await guest.goto('/?q=stone%20vase');
    const card = guest.getByRole('article', { name: 'Stone Vase' });
    await expect(async () => {
      await guest.reload();
      await expect(card).toContainText('In stock', { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(card).toContainText('$19.99');
  });

  test('pages for operators stay closed to customers', async ({ page }) => {
    await signIn(page, 'alice');
    await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0);
    await page.goto('/admin/shipments');
    await expect(page.getByText('This page is for operators.')).toBeVisible();
  });
});
