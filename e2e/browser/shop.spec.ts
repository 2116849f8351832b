import { expect, test } from './fixtures.ts';

test.describe('a guest in the shop', () => {
  test('browses, filters and searches the catalog, with availability', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Shop' })).toBeVisible();
    const products = page.getByRole('list', { name: 'Products' }).getByRole('article');
    await expect(products).toHaveCount(12);
    await expect(page.getByRole('status').filter({ hasText: /^\d+ products$/ })).toBeVisible();

    // The header's search box, by keyboard.
    await page.getByRole('searchbox', { name: 'Search products' }).fill('knife');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Results for “knife”' })).toBeVisible();
    await expect(page).toHaveURL(/\?q=knife$/);
    // Names and descriptions are searched: the board is "gentle on knife edges".
    await expect(products).toHaveCount(2);
    await expect(page.getByRole('article', { name: 'Chef’s Knife 8"' })).toContainText('$89.00');
    await expect(page.getByRole('article', { name: 'End-Grain Cutting Board' })).toBeVisible();

    await page.getByRole('searchbox', { name: 'Search products' }).fill('zzzz');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByText('No products match “zzzz”.')).toBeVisible();

    await page.goto('/');
    await page.getByLabel('Category').selectOption('books');
    await expect(page.getByRole('heading', { level: 1, name: 'Shop: books' })).toBeVisible();
    await expect(products).toHaveCount(2);
    await page.getByLabel('Sort by').selectOption('-price');
    await expect(products.first()).toHaveAccessibleName('The Weeknight Cookbook');
    await expect(products.last()).toHaveAccessibleName('Field Guide to Birds');

    // The product page; a product with no stock cannot be added.
    await page.getByRole('link', { name: 'Field Guide to Birds' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Field Guide to Birds' })).toBeVisible();
    await expect(page.getByText('In stock')).toBeVisible();
    await page.goto('/product/HOM-LINEN-SHEETS');
    await expect(page.getByRole('main').getByText('Out of stock', { exact: true }).first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Out of stock' })).toBeDisabled();
    await page.goto('/product/NO-SUCH-SKU');
    await expect(page.getByRole('heading', { level: 1, name: 'Product not found' })).toBeVisible();
  });

  test('fills a cart that survives a reload, by keyboard', async ({ page }) => {
    await page.goto('/?q=headlamp');
    const addHeadlamp = page.getByRole('article', { name: 'Rechargeable Headlamp' }).getByRole('button', { name: 'Add to cart' });
    await addHeadlamp.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Added Rechargeable Headlamp to your cart.' })).toBeVisible();
    await page.goto('/product/OUT-WATER-FILTER');
    await page.getByLabel('Quantity').fill('3');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect(page.getByRole('link', { name: 'Cart, 5 items' })).toBeVisible();

    await page.reload();
    await page.getByRole('link', { name: 'Cart, 5 items' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Your cart' })).toBeVisible();
    await expect(page.getByRole('row', { name: /Rechargeable Headlamp/ })).toContainText('$78.00');
    await page.getByLabel('Quantity of Squeeze Water Filter').fill('1');
    await page.getByLabel('Quantity of Squeeze Water Filter').press('Tab');
    await expect(page.getByRole('link', { name: 'Cart, 3 items' })).toBeVisible();
    await expect(page.getByRole('row', { name: /Total/ })).toContainText('$112.00');
    await page.getByRole('button', { name: 'Remove Rechargeable Headlamp' }).click();
    await page.getByRole('button', { name: 'Remove Squeeze Water Filter' }).click();
    await expect(page.getByText('Your cart is empty.')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Cart, empty' })).toBeVisible();
  });

  test('stays on the page it moved on to when the page it left answers late', async ({ page }) => {
    // The product's answer is held (the real answer, only later) until the person is on the next page.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/products/OUT-WATER-FILTER', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/product/OUT-WATER-FILTER');
    await expect(page.getByRole('status').filter({ hasText: 'Loading…' })).toBeVisible();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    const answered = page.waitForResponse('**/api/products/OUT-WATER-FILTER');
    release();
    await answered;
    await page.getByLabel('Email').fill('nobody@example.org');
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Squeeze Water Filter' })).toHaveCount(0);
    await expect(page.getByLabel('Email')).toHaveValue('nobody@example.org');
  });
});
