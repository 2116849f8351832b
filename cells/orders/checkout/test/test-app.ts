import { fixedPool } from '@retail/http-client';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outbox } from '@retail/data';
import { runningCell } from '@retail/descriptor';
import { createEvent } from '@retail/events';
import { afterAll, beforeEach } from 'vitest';
import { createLogger, serveApp } from '@retail/kernel';
import { createOrderCommandSchema, ordersCell } from '@retail/orders-contract';
import { exampleProducts } from '@retail/orders-contract/testing';
import { createApp as createOrdersApp, openOwnDatabase, partitionServices, priceHandlers } from '@retail/orders-orders';
import { ProductSubjects, type Product } from '@retail/products-contract';
import { internalTestTokens } from '@retail/testing';
import { createApp } from '../src/app.ts';
import { createCheckout } from '../src/checkout.ts';
import { ordersCoreHttpClient, partitionGatewayClient, shippingGatewayClient } from '../src/clients.ts';
import { sagaHandlers } from '../src/events/subscriptions.ts';
import { partitionHandover } from '../src/handover.ts';
import { ordersCore } from '../src/orders-core.ts';
import { shippingShipmentCanceller } from '../src/shipping.ts';

/** The token checkout presents to other cells' gateways and partitions in these tests (in production: the orders cell's client-credentials token). */
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
        ? { status: 500, body: { type: 'about:blank', title: 'Internal Server Error', status: 500 } }
        : state.mode === 'refusing'
          ? { status: 403, body: { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Requires another scope.' } }
          : req.headers.authorization !== `Bearer ${ORDERS_CELL_TOKEN}`
            ? { status: 401, body: { type: 'about:blank', title: 'Unauthorized', status: 401 } }
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

const notFound = { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404 } };

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
      return { status: 409, body: { type: 'about:blank', title: 'Conflict', status: 409, detail: 'The shipment has been dispatched.' } };
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
  /** What the core's consumer does with a products cell event (`products.product.*`), without NATS: see the core's own tests for that. */
  const announce = (type: string, data: unknown) => {
    const handler = priceHandlers()[type]!;
    const event = createEvent({ source: '/cells/products/catalog', type, subject: 'sku', data });
    database.db.transaction((tx) => 'handle' in handler && handler.handle(tx, handler.schema.parse(data), event));
  };
  const announceCatalog = () => {
    for (const product of exampleProducts) announce(ProductSubjects.created, { product });
  };
  announceCatalog();
  const cell = runningCell(ordersCell, { CELL_PARTITION: options.partition ?? 'orders-1' });
  const services = partitionServices(database.db, cell);
  const { orders: orderBook, migration } = services;
  const server = await serveApp({
    app: createOrdersApp({ ...services, verifyToken: tokens.verifier, logger }),
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
    /** Its side of moving customers between partitions (what the migration controller commands). */
    migration,
    db: database.db,
    /** Hands the core's price projection a products cell event, as its consumer would. */
    announce,
    /** A price change as the products cell announces it: `product.updated` with the next version. */
    reprice: (sku: string, amount: number, version = 2) => {
      const product = exampleProducts.find((p) => p.sku === sku)!;
      announce(ProductSubjects.updated, { product: { ...product, version, price: { ...product.price, amount } } satisfies Product });
    },
    /** Stores a PENDING order of `quantity` × KIT-PAN at 45.00 straight in the core, as if checkout had placed it. */
    placePanOrder: (quantity: number, customerId = 'user-alice') =>
      orderBook.place(
        createOrderCommandSchema.parse({
          customerId,
          idempotencyKey: randomUUID(),
          requestHash: 'a'.repeat(64),
          lines: [{ sku: 'KIT-PAN', quantity }],
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
    /** Empties it; the price projection holds the example catalog again (`empty`: holds no price at all). */
    reset: (options: { empty?: boolean } = {}) => {
      database.sqlite.exec(
        'delete from order_history; delete from orders; delete from outbox; delete from inbox; delete from customer_moves; delete from moved_orders; delete from prices;',
      );
      if (!options.empty) announceCatalog();
    },
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
 * Checkout in-process (`app.request()`), fresh for each test, wired over real HTTP to the orders core
 * service (which prices orders) and to a fake shipping gateway.
 */
export async function checkoutTestApp(
  core: RunningOrdersCore,
  options: {
    ordersUrl?: string;
    ordersToken?: () => Promise<string>;
    /** Other partitions' gateways (`orders-2` → URL), for saga steps about orders that moved there. */
    partitionGateways?: Record<string, string>;
  } = {},
) {
  const { tokens, logger } = core;
  const shipping = await fakeShippingGateway();
  const ordersClient = ordersCoreHttpClient({
    pool: fixedPool('ordersCoreHttpClient', options.ordersUrl ?? core.url),
    // What the cell gateway's POST /internal/token gives checkout in production.
    token: options.ordersToken ?? (() => tokens.sign({ sub: 'service:orders/checkout', scopes: ['orders:internal'] })),
  });
  const shippingClient = shippingGatewayClient({
    pool: fixedPool('shippingGatewayClient', shipping.url),
    token: async () => ORDERS_CELL_TOKEN,
  });
  const partitionClients = new Map(
    Object.entries(options.partitionGateways ?? {}).map(([partition, url]) => [
      partition,
      partitionGatewayClient({ partition, pool: fixedPool(partition, url), token: async () => ORDERS_CELL_TOKEN }),
    ]),
  );
  const orders = ordersCore(ordersClient);
  const checkout = createCheckout({
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
    shipping,
    handlers: sagaHandlers(orders, logger, partitionHandover(partitionClients)),
    close: async () => {
      await shipping.close();
      await Promise.all([ordersClient.close(), shippingClient.close(), ...[...partitionClients.values()].map((c) => c.close())]);
    },
  };
}

export type CheckoutTestApp = Awaited<ReturnType<typeof checkoutTestApp>>;

/**
 * What stands for another partition's gateway in these tests: on a free port, it takes the orders cell's
 * client-credentials token on the cell route `POST /migration/orders/{id}/transitions` only (401 for
 * another token, 404 for any other path, as the gateway does for routes it does not have) and forwards
 * to that partition's real orders core with an internal token carrying the route's scope, as the cell
 * gateway does. Requests are recorded with their Idempotency-Key.
 */
export async function standInPartitionGateway(core: RunningOrdersCore) {
  const requests: Array<{ method: string; url: string; key: string | undefined }> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const key = req.headers['idempotency-key'] as string | undefined;
    requests.push({ method: req.method ?? '', url: req.url ?? '', key });
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
      res.end(body);
    };
    if (req.headers.authorization !== `Bearer ${ORDERS_CELL_TOKEN}`)
      return reply(401, JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401 }));
    if (req.method !== 'POST' || !/^\/migration\/orders\/[^/]+\/transitions$/.test(req.url ?? ''))
      return reply(404, JSON.stringify(notFound.body));
    const internal = await core.tokens.sign({ sub: 'orders-1', scopes: ['orders:handover'] });
    const answer = await fetch(`${core.url}${req.url}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${internal}`,
        'content-type': 'application/json',
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      body: Buffer.concat(chunks),
    });
    reply(answer.status, await answer.text(), { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
