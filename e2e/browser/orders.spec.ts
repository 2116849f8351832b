import type { Page } from '@playwright/test';
import { checkOut, expect, signIn, test } from './fixtures.ts';

const orderStatus = (page: Page) => page.getByRole('status', { name: 'Order status' });

test.describe('a customer', () => {
  test('checks out two products and watches the order move on as the operator dispatches and delivers it', async ({
    page,
    openSession,
  }) => {
    // What the order page asks the API for: its changes are pushed, not polled.
    const reads: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/api/orders')) reads.push(`${request.method()} ${path}`);
    });
    await signIn(page, 'alice');
    await page.getByRole('searchbox', { name: 'Search products' }).fill('skillet');
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'Cast Iron Skillet 12"' }).getByRole('button', { name: 'Add to cart' }).click();
    await page.goto('/product/KIT-POUR-OVER');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect(page.getByRole('link', { name: 'Cart, 2 items' })).toBeVisible();

    const orderId = await checkOut(page);
    await expect(page.getByRole('status').filter({ hasText: 'Thank you! Your order was placed.' })).toBeVisible();
    await expect(orderStatus(page)).toContainText('Confirmed');
    await expect(page.getByRole('row', { name: /Cast Iron Skillet/ })).toContainText('$45.00');
    await expect(page.getByRole('row', { name: /Total/ })).toContainText('$84.00');
    await expect(page.getByRole('link', { name: 'Cart, empty' })).toBeVisible();

    // The operator, in a browser of their own, dispatches it; the customer's page follows without a reload.
    const admin = await openSession('admin');
    await admin.getByRole('link', { name: 'Admin' }).click();
    await admin.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Shipments' }).click();
    await admin.getByRole('button', { name: `Dispatch shipment of order ${orderId}` }).click();
    await expect(admin.getByRole('status').filter({ hasText: `Dispatched the shipment of order ${orderId}.` })).toBeVisible();
    await expect(orderStatus(page)).toContainText('Shipped');
    await admin.getByRole('button', { name: `Deliver shipment of order ${orderId}` }).click();
    await expect(orderStatus(page)).toContainText('Delivered');
    // Still the same page: the notice from placing the order would be gone after a reload.
    await expect(page.getByText('Thank you! Your order was placed.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
    expect(reads).toContain('GET /api/orders/events');
    // The page read the order once when it opened; every change since came over the stream.
    expect(reads.filter((r) => r === `GET /api/orders/${orderId}`).length).toBeLessThanOrEqual(2);

    await page.getByRole('link', { name: 'My orders', exact: true }).click();
    await expect(page.getByRole('row', { name: new RegExp(`Order ${orderId}`) })).toContainText('Delivered');
  });

  test('sees an order for more than the stock rejected', async ({ page, shop }) => {
    const sku = await shop.productWithStock('E2E-SHORT', 2);
    await signIn(page, 'alice');
    await page.goto(`/product/${sku}`);
    await page.getByLabel('Quantity').fill('5');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'Cart, 5 items' }).click();
    await expect(page.getByText('Only 2 available: an order for more will be rejected.')).toBeVisible();
    await checkOut(page);
    await expect(orderStatus(page)).toContainText('Rejected');
    await expect(page.getByRole('list', { name: 'Status history' })).toContainText(`insufficient stock`);
    await expect(page.getByText('Nothing will be shipped.')).toBeVisible();
    expect((await shop.stockOf(sku)).reserved).toBe(0);
  });

  test('cancels an order before it is dispatched, and the stock is released', async ({ page, shop }) => {
    const sku = await shop.productWithStock('E2E-CANCEL', 10);
    const placed = await shop.placeOrder(shop.alice, [{ sku, quantity: 4 }]);
    await signIn(page, 'alice');
    await page.goto(`/orders/${placed.body.id}`);
    await expect(orderStatus(page)).toContainText('Confirmed');
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('button', { name: 'Keep order' }).click();
    await expect(orderStatus(page)).toContainText('Confirmed');
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('button', { name: 'Yes, cancel order' }).click();
    await expect(orderStatus(page)).toContainText('Cancelled');
    await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
    await expect.poll(async () => (await shop.stockOf(sku)).available).toBe(10);
  });

  test("cannot see another customer's order", async ({ page, shop }) => {
    const alices = await shop.placeOrder(shop.alice, [{ sku: 'BOO-COOKBOOK', quantity: 1 }]);
    expect(alices.status).toBe(201);
    await signIn(page, 'bob');
    await page.goto(`/orders/${alices.body.id}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Order not found' })).toBeVisible();
    await page.getByRole('link', { name: 'My orders', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'My orders' })).toBeVisible();
    await expect(page.getByRole('link', { name: `Order ${alices.body.id}` })).toHaveCount(0);
  });

  test('is told when the session has expired, signs in again and keeps the cart', async ({ page }) => {
    await signIn(page, 'alice');
    await page.goto('/product/KIT-CHEF-KNIFE');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    // A token the gateway no longer accepts (expired, or signed with a retired key).
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('retail.session')!);
      localStorage.setItem('retail.session', JSON.stringify({ ...session, token: `${session.token.slice(0, -8)}AAAAAAAA` }));
    });
    await page.getByRole('link', { name: 'My orders', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Your session has expired. Please sign in again — your cart is kept.' });
    await expect(alert).toBeVisible();
    await expect(page.getByRole('link', { name: 'Cart, 1 item' })).toBeVisible();
    await alert.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill('alice');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/orders$/);
    await expect(page.getByRole('heading', { level: 1, name: 'My orders' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Cart, 1 item' })).toBeVisible();
  });
});
