import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryCell } from '@retail/inventory-contract';
import { ordersCell } from '@retail/orders-contract';
import { productsCell } from '@retail/products-contract';
import { shippingCell } from '@retail/shipping-contract';
import { placementCell } from '@retail/placement-contract';
import { partitionOf } from '@retail/descriptor';
import { createLogger } from '@retail/kernel';
import { createPlacementCache } from '../router/placement-cache.ts';
import { createEventFeed } from '../console/event-feed.ts';
import { standInServers } from '@retail/testing';
import { testGateway, userToken } from '../../test/test-support.ts';

const { listen, closedUrl, closeAll } = standInServers();
const answer = (body: unknown) =>
  listen((req, res) => {
    if (req.url !== '/health/cell') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });

/**
 * Stand-ins for the cell gateways: healthy, one component down, one partition of the orders cell hung
 * while the other is healthy, and not listening at all. The placement cell is not reachable.
 */
let gateways: Record<'placement' | 'products' | 'inventory' | 'orders1' | 'orders2' | 'shipping', string>;
beforeAll(async () => {
  gateways = {
    placement: await closedUrl(),
    products: await answer({ cell: 'products', gateway: 'up', components: { catalog: 'up', browse: 'up' } }),
    inventory: await answer({ cell: 'inventory', gateway: 'up', components: { stock: 'up', allocation: 'down' } }),
    orders1: await listen(() => {}),
    orders2: await answer({ cell: 'orders-2', gateway: 'up', components: { orders: 'up', checkout: 'up' } }),
    shipping: await closedUrl(),
  };
});
afterAll(closeAll);

const consoleGateway = async (overrides: Parameters<typeof testGateway>[0] = {}) => {
  const placement = createPlacementCache({
    url: gateways.placement,
    token: async () => 'router-token',
    partitions: { orders: ['orders-1', 'orders-2'] },
    logger: createLogger({ name: 'console-test', level: 'silent' }),
  });
  await placement.refresh();
  return testGateway({
    cellGateways: [
      { cell: placementCell, url: gateways.placement },
      { cell: productsCell, url: gateways.products },
      { cell: inventoryCell, url: gateways.inventory },
      { cell: partitionOf(ordersCell, 'orders-1', 2), url: gateways.orders1 },
      { cell: partitionOf(ordersCell, 'orders-2', 2), url: gateways.orders2 },
      { cell: shippingCell, url: gateways.shipping },
    ],
    placement,
    healthTimeoutMs: 300,
    ...overrides,
  });
};

describe('GET /console', () => {
  it('serves the console page, its script and styles', async () => {
    const { app } = await consoleGateway();
    const page = await app.request('/console');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('/console/console.js');
    expect((await app.request('/console/console.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await app.request('/console/console.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await app.request('/console/')).status).toBe(200);
  });
});

describe('the console page: operators’ controls for moving customers and draining partitions', () => {
  it('holds them in inert templates only, so that anonymous visitors get none, and keeps to its CSP', async () => {
    const { app } = await consoleGateway();
    const page = await app.request('/console');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    const templates = [...html.matchAll(/<template id="([\w-]+)">([\s\S]*?)<\/template>/g)].map(([, id, body]) => ({ id, body: body! }));
    expect(templates.map((t) => t.id)).toEqual(['moves-template', 'drain-template']);
    const moves = templates[0]!.body;
    // The move form: a customer id and a target partition (filled from the topology by the script).
    expect(moves).toMatch(/<form id="move-form"/);
    expect(moves).toMatch(/<input id="move-customer" name="customerId" type="text" required/);
    expect(moves).toMatch(/<select id="move-partition" name="partition" required><\/select>/);
    expect(moves).toMatch(/<button id="move-submit" type="submit"/);
    expect(moves).toMatch(/<p id="move-status" [^>]*role="status"/);
    // The recent moves.
    expect(moves).toContain('<table id="moves-table"');
    expect(moves).toMatch(/<th scope="col">State<\/th>/);
    // Per partition: one button (Drain or Undrain, by the partition's state) and the drain's progress.
    expect(templates[1]!.body).toMatch(/<button type="button" class="op-button drain-button"><\/button>/);
    expect(templates[1]!.body).toMatch(/class="drain-status op-status" role="status"/);

    // Outside the templates the page has no control at all: the script adds them for an operator only.
    const outside = html.replace(/<template[\s\S]*?<\/template>/g, '');
    expect(outside).not.toMatch(/<(form|button|input|select|textarea)\b/);
    // Nothing inline for the CSP to refuse: no script without src, no handler attributes, no style attributes.
    expect([...html.matchAll(/<script\b[^>]*>/g)].every(([tag]) => /\ssrc="\/console\/console\.js"/.test(tag))).toBe(true);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/i);
  });

  it('has its script clone them for an operator and call the placement cell’s operator API under /api', async () => {
    const { app } = await consoleGateway();
    const script = await (await app.request('/console/console.js')).text();
    expect(script).toContain("byId('moves-template')");
    expect(script).toContain("byId('drain-template')");
    expect(script).toMatch(
      /const operator = !!operatorToken\(\);\n\s+if \(!operator\) \{\n\s+if \(operatorControls\) unmountOperatorControls\(\);/,
    );
    // POST /api/cells/migrations and the move's reads, the recent moves, and each partition's drain and undrain.
    expect(script).toContain(
      "operatorApi('POST', '/cells/migrations', { customerId, partition: option.value, cell: option.dataset.cell })",
    );
    for (const path of ['`/cells/migrations/', '`/cells/migrations?limit=', '`/cells/placement/partitions/'])
      expect(script).toContain(path);
    expect(script).toMatch(/operatorApi\('POST', `\/cells\/placement\/partitions\/\$\{encodeURIComponent\(name\)\}\/drain`\)/);
    expect(script).toMatch(/operatorApi\('POST', `\/cells\/placement\/partitions\/\$\{encodeURIComponent\(name\)\}\/undrain`\)/);
    expect(script).toMatch(/fetch\(`\/api\$\{path\}`/);
    // Problems are shown by their detail.
    expect(script).toContain('problem?.detail ?? problem?.title');
  });
});

describe('GET /console/topology', () => {
  it('draws the cells from their descriptors: components, kinds, routes and event flows', async () => {
    const { app } = await consoleGateway();
    const view = (await (await app.request('/console/topology')).json()) as any;
    // One entry per cell; the partitioned one lists every partition by name, each with its own stream.
    expect(view.cells.map((c: any) => [c.name, c.kind])).toEqual([
      ['placement', 'global'],
      ['products', 'global'],
      ['inventory', 'global'],
      ['orders', 'partitioned'],
      ['shipping', 'global'],
    ]);
    const orders = view.cells.find((c: any) => c.name === 'orders');
    expect(orders.partitions).toEqual({
      key: 'customer',
      members: [
        { name: 'orders-1', stream: 'ORDERS_1', subjects: 'orders.orders-1.>' },
        { name: 'orders-2', stream: 'ORDERS_2', subjects: 'orders.orders-2.>' },
      ],
    });
    expect(view.cells.find((c: any) => c.name === 'products').partitions).toBeNull();
    expect(view.gateway.router).toMatch(/partition/);
    expect(orders.components.map((c: any) => [c.name, c.kind])).toEqual([
      ['orders', 'core'],
      ['checkout', 'composite'],
    ]);
    expect(orders.components[1].calls).toEqual(['shipping', 'orders']);
    expect(orders.routes).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/api/orders', component: 'checkout', access: 'token' }),
    );
    expect(view.flows).toContainEqual({
      subject: 'orders.order.placed',
      publisher: { cell: 'orders', component: 'orders' },
      consumers: [{ cell: 'inventory', component: 'allocation' }],
    });
    // Prices reach the orders cell as events, not by a call: its core consumes the product events.
    expect(view.flows.find((f: any) => f.subject === 'products.product.updated').consumers).toContainEqual({
      cell: 'orders',
      component: 'orders',
    });
    const confirmed = view.flows.find((f: any) => f.subject === 'inventory.reservation.confirmed');
    expect(confirmed.consumers).toEqual([{ cell: 'orders', component: 'checkout' }]);
    // Every subject a cell consumes has a publisher: the console would show a gap otherwise.
    expect(view.flows.filter((f: any) => f.publisher === null)).toEqual([]);
    expect(JSON.stringify(view)).not.toContain('127.0.0.1');
  });
});

describe('GET /console/asyncapi.json', () => {
  it('serves the event catalog: the committed AsyncAPI 3.0 document, every subject with its producer and consumers', async () => {
    const { app } = await consoleGateway();
    const res = await app.request('/console/asyncapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await res.text();
    expect(text).toBe(readFileSync(new URL('../../../shared/contracts/asyncapi.json', import.meta.url), 'utf8'));
    const doc = JSON.parse(text);
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels['inventory.reservation.confirmed']).toMatchObject({
      address: 'inventory.{partition}.reservation.confirmed',
      'x-producer': { cell: 'inventory', component: 'stock' },
      'x-consumers': [{ cell: 'orders', component: 'checkout' }],
    });
    expect(doc.operations['orders.orders.publishes.orders.order.placed']).toMatchObject({ action: 'send' });
    // Of the whole system, whichever cell gateways this one was given.
    const { app: productsOnly } = await testGateway();
    expect(await (await productsOnly.request('/console/asyncapi.json')).text()).toBe(text);
  });

  it('is linked from the console page', async () => {
    const { app } = await consoleGateway();
    expect(await (await app.request('/console')).text()).toContain('href="/console/asyncapi.json"');
  });
});

describe('GET /console/health', () => {
  it("asks each cell's gateway; one that does not answer in time means the whole cell is down", async () => {
    const { app } = await consoleGateway();
    const started = Date.now();
    const res = await app.request('/console/health');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const report = (await res.json()) as any;
    expect(report.cells).toEqual([
      { cell: 'placement', partitionOf: null, status: 'down', gateway: 'down', components: { placements: 'down' } },
      { cell: 'products', partitionOf: null, status: 'up', gateway: 'up', components: { catalog: 'up', browse: 'up' } },
      { cell: 'inventory', partitionOf: null, status: 'degraded', gateway: 'up', components: { stock: 'up', allocation: 'down' } },
      // Each partition has its own health: one hung, the other serving.
      { cell: 'orders-1', partitionOf: 'orders', status: 'down', gateway: 'down', components: { orders: 'down', checkout: 'down' } },
      { cell: 'orders-2', partitionOf: 'orders', status: 'up', gateway: 'up', components: { orders: 'up', checkout: 'up' } },
      { cell: 'shipping', partitionOf: null, status: 'down', gateway: 'down', components: { shipments: 'down', fulfillment: 'down' } },
    ]);
    // The router, with the control plane down: still routing by what it has, no map yet.
    expect(report.router).toEqual([
      {
        cell: 'orders',
        version: null,
        controlPlane: 'unreachable',
        partitions: [
          { name: 'orders-1', state: 'active', customers: 0 },
          { name: 'orders-2', state: 'active', customers: 0 },
        ],
      },
    ]);
    expect(Date.parse(report.checkedAt)).not.toBeNaN();
  });
});

/** Read an SSE body until `until` matches what has arrived, then stop reading. */
async function readEvents(body: ReadableStream<Uint8Array>, until: (text: string) => boolean, timeoutMs = 3_000) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!until(text)) {
    if (Date.now() > deadline) throw new Error(`no match in time; got:\n${text}`);
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return { text, reader };
}

const envelope = (type: string, subject: string) =>
  new TextEncoder().encode(
    JSON.stringify({
      specversion: '1.0',
      id: `id-${subject}`,
      source: '/cells/orders/orders',
      type,
      subject,
      time: new Date().toISOString(),
      data: { shippingAddress: { name: 'Alice Example' } },
    }),
  );

describe('GET /console/events', () => {
  it('streams the feed status and recent events as server-sent events, then new ones as they arrive', async () => {
    const feed = createEventFeed({ initial: { state: 'connected', detail: 'Listening on orders.>.' } });
    feed.record('orders.order.placed', envelope('orders.order.placed', 'order-1'));
    const { app } = await consoleGateway({ eventFeed: feed });
    const res = await app.request('/console/events');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');

    const first = await readEvents(res.body!, (t) => t.includes('orders.order.placed'));
    expect(first.text).toMatch(/^event: status\ndata: {"state":"connected","detail":"Listening on orders.>."}\nretry: 3000\n\n/);
    expect(first.text).toContain('event: cloudevent\ndata: ');
    expect(first.text).toContain('"subject":"orders.order.placed"');
    // Envelopes only: the console is open, and event data carries customers' addresses…
    expect(first.text).not.toContain('Alice Example');
    // …and ids are all it takes to act on an order: an anonymous viewer gets none.
    expect(first.text).not.toContain('order-1');

    feed.record('shipping.shipment.dispatched', envelope('shipping.shipment.dispatched', 'shipment-9'));
    let live = '';
    const decoder = new TextDecoder();
    while (!live.includes('shipping.shipment.dispatched')) live += decoder.decode((await first.reader.read()).value);
    expect(live).toContain('id: 2');
    expect(live).not.toContain('shipment-9');
    feed.close();
    expect((await first.reader.read()).done).toBe(true);
  });

  it('shows an operator the events whole, ids included; a customer sees them as anyone does', async () => {
    const feed = createEventFeed({ initial: { state: 'connected', detail: 'Listening on orders.>.' } });
    feed.record('orders.order.placed', envelope('orders.order.placed', 'order-7'));
    const { app } = await consoleGateway({ eventFeed: feed });
    const admin = await userToken(app, 'admin@example.com', 'admin');
    const asAdmin = await readEvents((await app.request('/console/events', { headers: { authorization: `Bearer ${admin}` } })).body!, (t) =>
      t.includes('orders.order.placed'),
    );
    expect(asAdmin.text).toContain('"entity":"order-7"');
    expect(asAdmin.text).toContain('"id":"id-order-7"');
    const alice = await userToken(app, 'alice@example.com', 'alice');
    const asAlice = await readEvents((await app.request('/console/events', { headers: { authorization: `Bearer ${alice}` } })).body!, (t) =>
      t.includes('orders.order.placed'),
    );
    expect(asAlice.text).not.toContain('order-7');
    expect((await app.request('/console/events', { headers: { authorization: 'Bearer forged' } })).status).toBe(401);
    feed.close();
  });

  it('says so when there is no event feed at all', async () => {
    const { app } = await consoleGateway();
    const res = await app.request('/console/events');
    const { text, reader } = await readEvents(res.body!, (t) => t.includes('\n\n'));
    expect(text).toContain('"state":"off"');
    await reader.cancel();
  });
});

describe('GET /console/instances', () => {
  const entry = {
    cell: 'orders-2',
    component: 'checkout',
    instance: 'p41-ab12',
    url: 'http://10.0.0.7:4602',
    version: 'dev',
    startedAt: '2026-12-05T10:00:00.000Z',
    host: 'node-7',
    pid: 41,
    config: { LOG_LEVEL: { value: 'debug', source: 'system (operator)' } },
    refused: { BREAKER_FAILURES: 'orders.checkout.BREAKER_FAILURES = "many": expected a number' },
  };

  it('lists every live instance with what it runs with; where it listens only to an operator', async () => {
    let live = true;
    const { app } = await consoleGateway({ registry: () => ({ live, instances: [entry] }) });
    const anonymous = (await (await app.request('/console/instances')).json()) as any;
    expect(anonymous.registry).toBe('live');
    expect(anonymous.instances).toEqual([
      {
        cell: 'orders-2',
        component: 'checkout',
        instance: 'p41-ab12',
        version: 'dev',
        startedAt: entry.startedAt,
        config: entry.config,
        refused: entry.refused,
      },
    ]);
    const admin = await userToken(app, 'admin@example.com', 'admin');
    const operator = (await (await app.request('/console/instances', { headers: { authorization: `Bearer ${admin}` } })).json()) as any;
    expect(operator.instances).toEqual([entry]);
    // NATS away: the instances last known, said so.
    live = false;
    expect(((await (await app.request('/console/instances')).json()) as any).registry).toBe('unreachable');
  });

  it('says when discovery is off', async () => {
    const { app } = await consoleGateway();
    expect(await (await app.request('/console/instances')).json()).toEqual({ registry: 'off', instances: [] });
  });
});
