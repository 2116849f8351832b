import { createCircuitBreaker, fixedPool } from '@retail/http-client';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outbox } from '@retail/data';
import { runningCell } from '@retail/descriptor';
import { eventOrigin } from '@retail/events';
import { afterAll, beforeEach } from 'vitest';
import { createLogger, serveApp } from '@retail/kernel';
import { createOrderCommandSchema, ordersCell } from '@retail/orders-contract';
import { createApp as createOrdersApp, createOrderBook, openOwnDatabase } from '@retail/orders-orders';
import type { PriceList } from '@retail/products-contract';
import { internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { createCheckout } from '../src/checkout.ts';
import { ordersCoreHttpClient, productsGatewayClient, shippingGatewayClient } from '../src/clients.ts';
import { sagaHandlers } from '../src/events/subscriptions.ts';
import { ordersCore } from '../src/orders-core.ts';
import { productsPriceSource } from '../src/pricing.ts';
import { shippingShipmentCanceller } from '../src/shipping.ts';

type Priced = PriceList['items'][number];

/** The token checkout presents to other cells' gateways in these tests (in production: the orders cell's client-credentials token). */
export const ORDERS_CELL_TOKEN = 'orders-client-credentials-token';

/**
 * A stand-in for another cell's gateway on a free port: `answer` replies to each request while `up`;
 * `failing` is 500 to everything, `refusing` 403, `hanging` never answers (the caller's timeout has to
 * end it). Requests are recorded with the token they carried.
 */
async function fakeCellGateway(answer: (req: IncomingMessage, url: URL) => { status: number; body: unknown }) {
  const requests: Array<{ method: string; url: string; authorization: string | undefined }> = [];
  const state = { mode: 'up' as 'up' | 'failing' | 'refusing' | 'hanging' };
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    if (state.mode === 'hanging') return;
    const { status, body } =
      state.mode === 'failing'
        ? { status: 500, body: { title: 'Internal server error', status: 500 } }
        : state.mode === 'refusing'
          ? { status: 403, body: { title: 'Forbidden', status: 403, detail: 'Requires another scope.' } }
          : req.headers.authorization !== `Bearer ${ORDERS_CELL_TOKEN}`
            ? { status: 401, body: { title: 'Unauthorized', status: 401 } }
            : answer(req, new URL(req.url ?? '/', 'http://fake'));
    res.writeHead(status, { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    set mode(mode: typeof state.mode) {
      state.mode = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const notFound = { status: 404, body: { title: 'Not found', status: 404 } };

/** The products cell's gateway: answers `GET /prices?sku=…` from a small price list like the real catalog does. */
export async function fakeProductsGateway() {
  const prices = new Map<string, Priced>(
    [
      { sku: 'KIT-PAN', name: 'Cast Iron Pan', price: { amount: 4500, currency: 'USD' } },
      { sku: 'KIT-KNIFE', name: 'Chef Knife', price: { amount: 8900, currency: 'USD' } },
      { sku: 'OUT-TENT', name: 'Tent', price: { amount: 34900, currency: 'USD' } },
      { sku: 'EUR-MUG', name: 'Euro Mug', price: { amount: 1200, currency: 'EUR' } },
    ].map((p) => [p.sku, p as Priced]),
  );
  const gateway = await fakeCellGateway((req, url) => {
    if (req.method !== 'GET' || url.pathname !== '/prices') return notFound;
    const skus = url.searchParams.getAll('sku');
    return { status: 200, body: { items: skus.flatMap((sku) => prices.get(sku) ?? []), missing: skus.filter((sku) => !prices.has(sku)) } };
  });
  return Object.assign(gateway, { prices });
}

/**
 * The shipping cell's gateway: `POST /shipments/by-order/{id}/cancel` answers as `shipment` says — the
 * shipment cancelled (200), none yet (404), already dispatched (409).
 */
export async function fakeShippingGateway() {
  const state = { shipment: 'pending' as 'pending' | 'none' | 'dispatched' };
  const gateway = await fakeCellGateway((req, url) => {
    const orderId = /^\/shipments\/by-order\/([^/]+)\/cancel$/.exec(url.pathname)?.[1];
    if (req.method !== 'POST' || !orderId) return notFound;
    if (state.shipment === 'none') return notFound;
    if (state.shipment === 'dispatched')
      return { status: 409, body: { title: 'Conflict', status: 409, detail: 'The shipment has been dispatched.' } };
    return { status: 200, body: { id: 'shp-1', orderId, status: 'CANCELLED' } };
  });
  return {
    url: gateway.url,
    requests: gateway.requests,
    close: gateway.close,
    set mode(mode: 'up' | 'failing') {
      gateway.mode = mode;
    },
    set shipment(shipment: typeof state.shipment) {
      state.shipment = shipment;
    },
  };
}

/**
 * A real orders core service listening on a free port, over an in-memory database. One per test file
 * (`reset()` empties it between tests), since a listening server lives as long as its process hooks.
 * It runs as `partition` of the orders cell (`orders-1` unless told), as checkout's partition does.
 */
export async function startOrdersCore(options: { partition?: string } = {}) {
  const logger = createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const tokens = await internalTestTokens('orders');
  const database = openOwnDatabase(':memory:');
  const cell = runningCell(ordersCell, { CELL_PARTITION: options.partition ?? 'orders-1' });
  const orderBook = createOrderBook(database.db, eventOrigin(cell, 'orders'));
  const server = await serveApp({
    app: createOrdersApp({ orders: orderBook, verifyToken: tokens.verifier, logger }),
    port: 0,
    hostname: '127.0.0.1',
    logger,
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    /** The partition it runs as: checkout of the same partition reads the answers addressed to it. */
    cell,
    tokens,
    logger,
    orderBook,
    db: database.db,
    /** Stores a PENDING order of `quantity` × KIT-PAN at 45.00 straight in the core, as if checkout had placed it. */
    placePanOrder: (quantity: number, customerId = 'user-alice') =>
      orderBook.place(
        createOrderCommandSchema.parse({
          customerId,
          idempotencyKey: randomUUID(),
          requestHash: 'a'.repeat(64),
          lines: [{ sku: 'KIT-PAN', name: 'Cast Iron Pan', quantity, unitPrice: 4500, lineTotal: 4500 * quantity }],
          total: 4500 * quantity,
          currency: 'USD',
          shippingAddress: { name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
        }),
      ).order,
    /** The CloudEvents the core has written to its outbox so far: what the relay will announce. */
    outboxEvents: () =>
      database.db
        .select()
        .from(outbox)
        .all()
        .map((row) => JSON.parse(row.payload)),
    /** Every order stored, whoever placed it. */
    storedOrders: () =>
      database.sqlite.prepare('select id, customer_id as customerId, total from orders order by rowid').all() as Array<{
        id: string;
        customerId: string;
        total: number;
      }>,
    reset: () => database.sqlite.exec('delete from order_history; delete from orders; delete from outbox; delete from inbox;'),
    close: async () => {
      await server.close();
      database.close();
    },
  };
}

export type RunningOrdersCore = Awaited<ReturnType<typeof startOrdersCore>>;

/** The orders core a test file shares: started once, emptied before each of its tests, closed after the last. */
export async function ordersCoreForThisFile() {
  const core = await startOrdersCore();
  beforeEach(() => core.reset());
  afterAll(() => core.close());
  return core;
}

/**
 * Checkout in-process (`app.request()`), fresh for each test (its own circuit breaker), wired over real
 * HTTP to the orders core service and to a fake products gateway.
 */
export async function checkoutTestApp(
  core: RunningOrdersCore,
  options: { priceTimeoutMs?: number; ordersUrl?: string; ordersToken?: () => Promise<string> } = {},
) {
  const { tokens, logger } = core;
  const [products, shipping] = await Promise.all([fakeProductsGateway(), fakeShippingGateway()]);
  const ordersClient = ordersCoreHttpClient({
    pool: fixedPool('ordersCoreHttpClient', options.ordersUrl ?? core.url),
    // What the cell gateway's POST /internal/token gives checkout in production.
    token: options.ordersToken ?? (() => tokens.sign({ sub: 'service:orders/checkout', scopes: ['orders:internal'] })),
  });
  const productsClient = productsGatewayClient({
    breaker: createCircuitBreaker({ name: 'products cell' }),
    pool: fixedPool('productsGatewayClient', products.url),
    timeoutMs: options.priceTimeoutMs ?? 2_000,
    token: async () => ORDERS_CELL_TOKEN,
  });
  const shippingClient = shippingGatewayClient({
    pool: fixedPool('shippingGatewayClient', shipping.url),
    token: async () => ORDERS_CELL_TOKEN,
  });
  const orders = ordersCore(ordersClient);
  const checkout = createCheckout({
    prices: productsPriceSource(productsClient, logger),
    orders,
    cancelShipment: shippingShipmentCanceller(shippingClient, logger),
    logger,
  });
  const app = createApp({ checkout, verifyToken: tokens.verifier, logger });

  const [alice, bob] = await Promise.all([
    tokens.sign({ sub: 'user-alice', scopes: ['orders:read', 'orders:write'] }),
    tokens.sign({ sub: 'user-bob', scopes: ['orders:read', 'orders:write'] }),
  ]);
  return {
    app,
    tokens,
    alice,
    bob,
    products,
    shipping,
    handlers: sagaHandlers(orders, logger),
    close: async () => {
      await Promise.all([products.close(), shipping.close()]);
      await Promise.all([ordersClient.close(), productsClient.close(), shippingClient.close()]);
    },
  };
}

export type CheckoutTestApp = Awaited<ReturnType<typeof checkoutTestApp>>;
