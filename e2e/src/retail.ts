import { waitFor } from '@retail/testing';
import { apiClient, type ApiClient } from './client.ts';
import { startTestSystem } from './system.ts';

/** What the saga tests do with the public API, named as a user would say it. */
export interface Shop {
  admin: string;
  alice: string;
  bob: string;
  /** A new product (unique SKU) with exactly `stock` units on hand. */
  productWithStock(prefix: string, stock: number, price?: number): Promise<string>;
  stockOf(sku: string): Promise<{ sku: string; onHand: number; reserved: number; available: number }>;
  placeOrder(
    token: string,
    lines: { sku: string; quantity: number }[],
    key?: string,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  order(token: string, id: string): Promise<any>;
  /** Waits until the order has this status, and returns it. */
  orderReaches(token: string, id: string, status: string, timeoutMs?: number): Promise<any>;
  shipmentOf(orderId: string): Promise<any>;
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
    const res = await api.call('GET', `/api/inventory/${sku}`);
    if (res.status !== 200) throw new Error(`stock of ${sku}: ${res.status}`);
    return res.body;
  };
  const order = async (token: string, id: string) => (await api.call('GET', `/api/orders/${id}`, { token })).body;
  return {
    admin,
    alice,
    bob,
    stockOf,
    async productWithStock(prefix, stock, price = 1000) {
      const sku = `${prefix}-${String(counter++).padStart(3, '0')}-${Date.now().toString(36).toUpperCase()}`.slice(0, 32);
      const created = await api.call('POST', '/api/products', {
        token: admin,
        body: { sku, name: `Test ${sku}`, category: 'home', price: { amount: price, currency: 'USD' } },
      });
      if (created.status !== 201) throw new Error(`create ${sku}: ${created.status} ${JSON.stringify(created.body)}`);
      // The inventory cell learns of the product from products.product.created.
      const level = await waitFor(async () => (await api.call('GET', `/api/inventory/${sku}`)).status === 200 && stockOf(sku), {
        what: `stock row for ${sku}`,
      });
      if (stock !== level.onHand) {
        const adjusted = await api.call('POST', `/api/inventory/${sku}/adjustments`, {
          token: admin,
          body: { delta: stock - level.onHand, reason: 'test setup' },
        });
        if (adjusted.status !== 201) throw new Error(`adjust ${sku}: ${adjusted.status} ${JSON.stringify(adjusted.body)}`);
      }
      return sku;
    },
    placeOrder(token, lines, key = uniqueKey('order')) {
      return api.call('POST', '/api/orders', { token, body: { lines, shippingAddress: address }, headers: { 'idempotency-key': key } });
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
      const res = await api.call('GET', `/api/shipments?orderId=${orderId}`, { token: admin });
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

export interface RegisteredCustomer {
  id: string;
  email: string;
  name: string;
  password: string;
  /** Their access token (password grant), with the customer scopes. */
  token: string;
}

/**
 * A customer of the test's own: signed up over the API with a fresh e-mail (`POST /auth/register`),
 * then signed in. gateway-global allows a few sign-ups a minute per address (REGISTER_RATE_PER_MINUTE).
 */
export async function registerCustomer(api: ApiClient, name = 'Test Customer'): Promise<RegisteredCustomer> {
  const email = `${uniqueKey('customer')}@example.org`;
  const password = `pw-${uniqueKey('secret')}`;
  const res = await api.call('POST', '/auth/register', { body: { email, password, name } });
  if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...(res.body as { id: string; email: string; name: string }), password, token: await api.token(email, password) };
}
