import { waitFor } from '@retail/testing';
import { apiClient, type ApiClient, type ApiResponse, type Schemas } from './client.ts';
import { startTestSystem } from './system.ts';

/** What the saga tests do with the public API, named as a user would say it. */
export interface Shop {
  admin: string;
  alice: string;
  bob: string;
  /** A new product (unique SKU) with exactly `stock` units on hand. */
  productWithStock(prefix: string, stock: number, price?: number): Promise<string>;
  stockOf(sku: string): Promise<Schemas['StockLevel']>;
  /** `POST /api/orders`: the answer as it came (201 with the order, or a problem). */
  placeOrder(token: string, lines: { sku: string; quantity: number }[], key?: string): Promise<ApiResponse<Schemas['Order']>>;
  /** `GET /api/orders/{id}`'s body: the order (or the problem, when the caller cannot see it). */
  order(token: string, id: string): Promise<Schemas['Order']>;
  /** Waits until the order has this status, and returns it. */
  orderReaches(token: string, id: string, status: Schemas['OrderStatus'], timeoutMs?: number): Promise<Schemas['Order']>;
  /** The order's shipment, once the shipping cell has made it. */
  shipmentOf(orderId: string): Promise<Schemas['Shipment'] | undefined>;
}

export const address = { name: 'Alice Example', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };

let counter = 0;
export const uniqueKey = (label = 'key') => `${label}-${process.pid}-${Date.now()}-${counter++}`;

export async function shop(api: ApiClient): Promise<Shop> {
  const [admin, alice, bob] = await Promise.all([
    api.token('admin@example.com', 'admin'),
    api.token('alice@example.com', 'alice'),
    api.token('bob@example.com', 'bob'),
  ]);
  const stockOf = async (sku: string) => {
    const res = await api.get('/api/inventory/{sku}', { path: { sku } });
    if (res.status !== 200) throw new Error(`stock of ${sku}: ${res.status}`);
    return res.body;
  };
  const order = async (token: string, id: string) => (await api.get('/api/orders/{id}', { path: { id }, token })).body;
  /** Products this shop created: the orders cell hears of each within the event delay, like the inventory cell. */
  const created = new Set<string>();
  const place = (token: string, lines: { sku: string; quantity: number }[], key: string) =>
    api.post('/api/orders', { token, body: { lines, shippingAddress: address }, headers: { 'Idempotency-Key': key } });
  /** A 400 naming only products this shop created: the orders cell may not have heard of them yet. */
  const notHeardYet = (res: ApiResponse<unknown>) => {
    const errors = res.status === 400 ? ((res.body as { errors?: { message: string }[] })?.errors ?? []) : [];
    return errors.length > 0 && errors.every((e) => [...created].some((sku) => e.message === `There is no product with SKU ${sku}.`));
  };
  return {
    admin,
    alice,
    bob,
    stockOf,
    async productWithStock(prefix, stock, price = 1000) {
      const sku = `${prefix}-${String(counter++).padStart(3, '0')}-${Date.now().toString(36).toUpperCase()}`.slice(0, 32);
      const made = await api.post('/api/products', {
        token: admin,
        body: { sku, name: `Test ${sku}`, category: 'home', price: { amount: price, currency: 'USD' } },
      });
      if (made.status !== 201) throw new Error(`create ${sku}: ${made.status} ${JSON.stringify(made.body)}`);
      created.add(sku);
      // The inventory cell learns of the product from products.product.created.
      const level = await waitFor(async () => (await api.get('/api/inventory/{sku}', { path: { sku } })).status === 200 && stockOf(sku), {
        what: `stock row for ${sku}`,
      });
      if (stock !== level.onHand) {
        const adjusted = await api.post('/api/inventory/{sku}/adjustments', {
          path: { sku },
          token: admin,
          body: { delta: stock - level.onHand, reason: 'test setup' },
        });
        if (adjusted.status !== 201) throw new Error(`adjust ${sku}: ${adjusted.status} ${JSON.stringify(adjusted.body)}`);
      }
      return sku;
    },
    async placeOrder(token, lines, key = uniqueKey('order')) {
      // Prices come from the orders cell's projection of the products cell's events: a product created a
      // moment ago may not have reached it yet. Nothing is written on a 400, so the same request is sent again.
      const deadline = Date.now() + 5_000;
      for (;;) {
        const res = await place(token, lines, key);
        if (!notHeardYet(res) || Date.now() > deadline) return res;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    order,
    orderReaches(token, id, status, timeoutMs = 20_000) {
      return waitFor(
        async () => {
          const current = await order(token, id);
          return current?.status === status ? current : undefined;
        },
        { timeoutMs, what: `order ${id} to reach ${status}` },
      );
    },
    async shipmentOf(orderId) {
      const res = await api.get('/api/shipments', { query: { orderId }, token: admin });
      return res.body?.items?.[0];
    },
  };
}

/**
 * The whole system started, with a client of its public API and the shop's users signed in: where a
 * scenario through gateway-global begins. The caller stops the system; it is stopped here only when
 * signing in fails, before the caller has it.
 */
export async function startShopSystem(options: Parameters<typeof startTestSystem>[0] = {}) {
  const system = await startTestSystem(options);
  const api = apiClient(system.url);
  try {
    return { system, api, s: await shop(api) };
  } catch (error) {
    await system.stop();
    throw error;
  }
}

export type RegisteredCustomer = Schemas['Customer'] & {
  password: string;
  /** Their access token (password grant), with the customer scopes. */
  token: string;
};

/**
 * A customer of the test's own: signed up over the API with a fresh e-mail (`POST /auth/register`),
 * then signed in. gateway-global allows a few sign-ups a minute per address (REGISTER_RATE_PER_MINUTE).
 */
export async function registerCustomer(api: ApiClient, name = 'Test Customer'): Promise<RegisteredCustomer> {
  const email = `${uniqueKey('customer')}@example.org`;
  const password = `pw-${uniqueKey('secret')}`;
  const res = await api.post('/auth/register', { body: { email, password, name } });
  if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, password, token: await api.token(email, password) };
}
