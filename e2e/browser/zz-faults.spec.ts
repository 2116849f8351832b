import { registerCustomer, type RegisteredCustomer } from '../src/retail.ts';
import { checkOut, expect, signIn, stopCell, test } from './fixtures.ts';

// Stops cells: runs last (files run in name order), and puts every cell back however it ends.

test.describe('the operator console', () => {
  test('draws the cells from their descriptors and shows events as they happen', async ({ page, shop, openSession }) => {
    await page.goto('/console');
    for (const cell of ['placement', 'products', 'inventory', 'orders', 'shipping']) {
      await expect(page.getByRole('region', { name: `${cell} cell` }).getByText('Cell up')).toBeVisible();
    }
    // The orders cell runs as two partitions, each with its own health and customers, behind the cell router.
    for (const partition of ['orders-1', 'orders-2']) {
      const box = page.getByRole('region', { name: `${partition} partition` });
      await expect(box.getByText('Partition up')).toBeVisible();
      await expect(box).toContainText(/\d+ customers? · active/);
    }
    await expect(page.getByRole('region', { name: 'cell router' })).toContainText(/Placement map version \d+; placement cell reachable/);
    await expect(page.getByRole('status').filter({ hasText: 'All 6 cells are up.' })).toBeVisible();
    const orders = page.getByRole('region', { name: 'orders cell' });
    await expect(orders.getByRole('list', { name: 'orders components' }).getByRole('listitem')).toHaveCount(2);
    await expect(orders).toContainText('checkout');
    await expect(page.getByRole('row', { name: /orders\.order\.placed/ })).toContainText('inventory / allocation');
    await expect(page.getByText(/^Event feed connected/)).toBeVisible();

    await expect(page.getByText(/^Anonymous view: event and entity ids are shown to operators only/)).toBeVisible();
    // The operator, signed in to the storefront on the same origin, watches the same feed with ids.
    const operator = await openSession('admin');
    await operator.goto('/console');
    await expect(operator.getByText(/^Operator view/)).toBeVisible();
    await expect(operator.getByText(/^Event feed connected/)).toBeVisible();

    const placed = await shop.placeOrder(shop.bob, [{ sku: 'APP-WOOL-SOCKS', quantity: 1 }]);
    const operatorFeed = operator.getByRole('list', { name: 'Recent events' });
    await expect(
      operatorFeed
        .getByRole('listitem')
        .filter({ hasText: /orders\.orders-\d\.order\.placed/ })
        .filter({ hasText: placed.body.id }),
    ).toBeVisible();
    // Each event says which partition it belongs to: the one that placed the order, the one inventory answers.
    const partition = placed.headers.get('x-cell-partition')!;
    await expect(
      operatorFeed
        .getByRole('listitem')
        .filter({ hasText: `inventory.${partition}.reservation.confirmed` })
        .filter({ hasText: placed.body.id }),
    ).toContainText(partition);
    // Anyone else sees that it happened, but not which order it was.
    const feed = page.getByRole('list', { name: 'Recent events' });
    await expect(
      feed
        .getByRole('listitem')
        .filter({ hasText: `inventory.${partition}.reservation.confirmed` })
        .first(),
    ).toBeVisible();
    await expect(feed).not.toContainText(placed.body.id);
  });
});

test.describe('blast radius', () => {
  test('with the shipping cell down, the shop sells and the order waits at CONFIRMED; it moves on once the cell is back', async ({
    page,
    openSession,
    system,
  }) => {
    const consolePage = await openSession();
    await consolePage.goto('/console');
    const restartShipping = await stopCell(system, 'shipping');
    try {
      await expect(consolePage.getByRole('region', { name: 'shipping cell' }).getByText('Cell down')).toBeVisible();
      await expect(consolePage.getByRole('region', { name: 'orders cell' }).getByText('Cell up')).toBeVisible();
      await expect(consolePage.getByRole('status').filter({ hasText: '5 of 6 cells up — shipping down.' })).toBeVisible();

      await signIn(page, 'alice');
      await page.getByRole('searchbox', { name: 'Search products' }).fill('merino');
      await page.keyboard.press('Enter');
      await page.getByRole('article', { name: 'Merino Wool T-Shirt' }).getByRole('button', { name: 'Add to cart' }).click();
      const orderId = await checkOut(page);
      const status = page.getByRole('status', { name: 'Order status' });
      await expect(status).toContainText('Confirmed');
      await expect(
        page.getByRole('alert').filter({ hasText: 'Tracking the shipment is unavailable right now. The shipping cell is unavailable' }),
      ).toBeVisible();
      await page.waitForTimeout(2_000);
      await expect(status).toContainText('Confirmed');

      await restartShipping();
      await expect(consolePage.getByRole('region', { name: 'shipping cell' }).getByText('Cell up')).toBeVisible();
      // The shipping cell catches up on the confirmation it missed; the operator dispatches.
      const admin = await openSession('admin');
      await admin.goto('/admin/shipments');
      await admin.getByRole('button', { name: `Dispatch shipment of order ${orderId}` }).click();
      await expect(status).toContainText('Shipped');
      await expect(page.getByText('Tracking number', { exact: true })).toBeVisible();
    } finally {
      await restartShipping();
    }
  });

  test('with the products cell down, browsing says so, and the shop still takes orders at the prices the orders cell last heard', async ({
    page,
    system,
  }) => {
    await signIn(page, 'bob');
    await page.goto('/product/BOO-FIELD-GUIDE');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    const restartProducts = await stopCell(system, 'products');
    try {
      await page.goto('/');
      await expect(
        page.getByRole('alert').filter({ hasText: 'Browsing the catalog is unavailable right now. The products cell is unavailable' }),
      ).toBeVisible();
      // Placing the order asks no other cell: the orders cell prices it from its own copy of the catalog's prices.
      await page.goto('/checkout');
      await page.getByLabel('Full name').fill('Bob Example');
      await page.getByLabel('Address line 1').fill('2 Side Street');
      await page.getByLabel('City').fill('Shelbyville');
      await page.getByLabel('Postal code').fill('54321');
      await page.getByRole('button', { name: 'Place order' }).click();
      await expect(page).toHaveURL(/\/orders\/[^/]+$/);
      await expect(page.getByRole('status', { name: 'Order status' })).toContainText('Confirmed');
    } finally {
      await restartProducts();
    }
  });
});

test.describe('blast radius of a partition', () => {
  test('with one orders partition down, its customers are told so and the other partition’s customers order as usual', async ({
    page,
    openSession,
    system,
    api,
    shop,
  }) => {
    // Alice's partition goes down; a customer of the other partition (bob, or one who signs up) orders.
    const partitionOf = async (customerId: string) =>
      (await api.get('/api/cells/placement/{customerId}', { path: { customerId }, token: shop.admin })).body.partition;
    const subjectOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
    const down = await partitionOf(subjectOf(shop.alice));
    let other: RegisteredCustomer | undefined;
    for (let i = 0; i < 20 && !other; i++) {
      const customer = await registerCustomer(api, `Other Partition ${i}`);
      if ((await partitionOf(customer.id)) !== down) other = customer;
    }
    expect(other, 'a customer on the other partition').toBeDefined();

    const consolePage = await openSession();
    await consolePage.goto('/console');
    const restart = await stopCell(system, down);
    try {
      await expect(consolePage.getByRole('region', { name: `${down} partition` }).getByText('Partition down')).toBeVisible();
      await expect(consolePage.getByRole('region', { name: 'orders cell' }).getByText('Cell degraded')).toBeVisible();
      await expect(consolePage.getByRole('status').filter({ hasText: `5 of 6 cells up — ${down} down.` })).toBeVisible();

      // The other partition's customer: the whole shop works.
      await signIn(page, other!);
      await page.goto('/product/BOO-FIELD-GUIDE');
      await page.getByRole('button', { name: 'Add to cart' }).click();
      const orderId = await checkOut(page);
      await expect(page.getByRole('status', { name: 'Order status' })).toContainText(/Pending|Confirmed/);
      expect((await api.get('/api/orders/{id}', { path: { id: orderId }, token: other!.token })).headers.get('x-cell-partition')).not.toBe(
        down,
      );

      // Alice: browsing works, ordering says which partition is unavailable; her cart is kept.
      const alice = await openSession('alice');
      await alice.goto('/product/BOO-FIELD-GUIDE');
      await alice.getByRole('button', { name: 'Add to cart' }).click();
      await alice.goto('/checkout');
      await alice.getByLabel('Full name').fill('Alice Example');
      await alice.getByLabel('Address line 1').fill('1 Main Street');
      await alice.getByLabel('City').fill('Springfield');
      await alice.getByLabel('Postal code').fill('12345');
      await alice.getByRole('button', { name: 'Place order' }).click();
      await expect(
        alice
          .getByRole('alert')
          .filter({ hasText: `Ordering is unavailable right now. Partition ${down} of the orders cell is unavailable` }),
      ).toBeVisible();
      await expect(alice.getByRole('link', { name: 'Cart, 1 item' })).toBeVisible();

      await restart();
      await expect(consolePage.getByRole('region', { name: `${down} partition` }).getByText('Partition up')).toBeVisible();
      // Back: her order goes through.
      await alice.getByRole('button', { name: 'Place order' }).click();
      await expect(alice).toHaveURL(/\/orders\/[^/]+$/);
    } finally {
      await restart();
    }
  });
});
