import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type OtlpReceiver, type ReceivedSpan } from '@retail/testing';
import { apiClient, type ApiClient } from '../src/client.ts';
import { shop, type Shop } from '../src/retail.ts';
import { startTestSystem, type TestSystem } from '../src/system.ts';

/**
 * Observability of the whole system as it runs. One order is one trace: every process exports its spans over OTLP (as to Jaeger) to a receiver inside
 * this test, and the spans of one placement — through both gateway hops, the price lookup in the
 * products cell, and the saga over NATS through inventory, orders and shipping — share one trace id and
 * hang together parent to child. Every process also serves Prometheus metrics on a listener of its own
 * and exports the same metrics over OTLP.
 */
let system: TestSystem;
let api: ApiClient;
let s: Shop;
let otlp: OtlpReceiver;

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

beforeAll(async () => {
  // The system's own receiver (it checks the edges between cells at the end); metrics over OTLP too here.
  system = await startTestSystem({
    extraEnv: {
      OTEL_METRICS_EXPORTER: 'otlp,prometheus',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      LOG_LEVEL: 'info',
    },
  });
  otlp = system.otlp!;
  api = apiClient(system.url);
  s = await shop(api);
});
afterAll(async () => {
  await system?.stop();
});

describe('observability', () => {
  it('follows one order through every cell as one trace, over HTTP and NATS', async () => {
    const sku = await s.productWithStock('TRACE', 10, 1500);
    const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
    expect(placed.status).toBe(201);
    const orderId: string = placed.body.id;
    // alice's partition of the orders cell: its processes are `orders-1-gateway`, `orders-1-checkout`…
    const p = placed.headers.get('x-cell-partition')!;
    await s.orderReaches(s.alice, orderId, 'CONFIRMED');
    await waitFor(() => s.shipmentOf(orderId), { what: 'the shipment' });

    // The placement's root: gateway-global's server span for POST /api/orders, started by the client.
    const root = await waitFor(
      () =>
        otlp.spans.find(
          (x) =>
            x.service === 'gateway-global' &&
            x.kind === SERVER &&
            x.attributes['url.path'] === '/api/orders' &&
            x.attributes['http.response.status_code'] === 201,
        ),
      { what: 'the root span' },
    );
    expect(root.parentSpanId).toBeUndefined();
    // The client is told which trace to open (in Jaeger: /trace/<id>).
    expect(placed.headers.get('x-trace-id')).toBe(root.traceId);
    const inTrace = () => otlp.spans.filter((x) => x.traceId === root.traceId);
    const find = (service: string, kind: number, name: string | RegExp) =>
      inTrace().find((x) => x.service === service && x.kind === kind && (typeof name === 'string' ? x.name === name : name.test(x.name)));
    // Spans arrive in batches from every process: wait for the last hop, the shipment being created, and
    // for the parent of every span that has arrived (a parent's batch may come after its child's).
    const shipmentCreated = await waitFor(() => find('shipping-shipments', SERVER, 'POST /internal/shipments'), {
      what: 'the shipping span in the order trace',
      timeoutMs: 15_000,
    });
    await waitFor(
      () => {
        const ids = new Set(inTrace().map((x) => x.spanId));
        return inTrace().every((x) => !x.parentSpanId || ids.has(x.parentSpanId)) || undefined;
      },
      { what: 'the parents of every span of the trace', timeoutMs: 15_000 },
    );

    const byId = new Map(inTrace().map((x) => [x.spanId, x]));
    const parentOf = (span: ReceivedSpan) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);
    const ancestors = (span: ReceivedSpan) => {
      const chain: ReceivedSpan[] = [];
      for (let p = parentOf(span); p; p = parentOf(p)) chain.push(p);
      return chain;
    };

    // Every span of the trace hangs from the root: no hop started a trace of its own.
    for (const span of inTrace()) if (span !== root) expect(ancestors(span).at(-1), `${span.service} ${span.name}`).toBe(root);

    // HTTP: gateway-global → orders gateway → checkout, each gateway's server span the parent of the
    // next hop's (gateways pass their own context on rather than making a client span per request).
    const ordersGateway = inTrace().find((x) => x.service === `${p}-gateway` && x.kind === SERVER && x.parentSpanId === root.spanId);
    expect(ordersGateway?.name).toBe('POST /orders');
    const checkout = inTrace().find((x) => x.service === `${p}-checkout` && x.kind === SERVER && x.parentSpanId === ordersGateway?.spanId);
    expect(checkout?.name).toBe('POST /orders');

    // No price lookup in another cell: the orders core prices from its own projection of the catalog.
    // (The products cell's browse still appears, later: it consumes the stock changes the saga causes.)
    expect(inTrace().filter((x) => x.service === 'products-gateway' || x.service === 'products-catalog')).toEqual([]);

    // The orders core stores the order and records the saga's first state change on its span.
    const store = find(`${p}-orders`, SERVER, 'POST /internal/orders')!;
    expect(ancestors(store)).toContain(checkout);
    expect(store.events.find((e) => e.name === 'order.status')?.attributes).toMatchObject({
      'order.id': orderId,
      'order.status': 'PENDING',
    });

    // NATS: the outbox relay publishes (producer span, child of the request that wrote the event) and
    // the consumer continues from the trace context carried in the message headers. The partition
    // publishes on its own subject; the consumer's span is named after the event's type.
    const placedPublish = find(`${p}-orders`, PRODUCER, `orders.${p}.order.placed publish`)!;
    expect(parentOf(placedPublish)).toBe(store);
    const allocation = find('inventory-allocation', CONSUMER, 'orders.order.placed process')!;
    expect(parentOf(allocation)).toBe(placedPublish);
    const reservation = find('inventory-stock', SERVER, 'POST /reservations')!;
    expect(ancestors(reservation)).toContain(allocation);
    expect(reservation.events.map((e) => e.name)).toContain('inventory.reservation.confirmed');

    const confirmedIn = find(`${p}-checkout`, CONSUMER, 'inventory.reservation.confirmed process')!;
    expect(parentOf(parentOf(confirmedIn)!)).toBe(reservation);
    const confirm = find(`${p}-orders`, SERVER, 'POST /internal/orders/:id/transitions')!;
    expect(ancestors(confirm)).toContain(confirmedIn);
    expect(confirm.events.find((e) => e.name === 'order.status')?.attributes).toMatchObject({
      'order.status': 'CONFIRMED',
      'order.status.previous': 'PENDING',
    });

    const fulfillment = find('shipping-fulfillment', CONSUMER, 'orders.order.confirmed process')!;
    expect(parentOf(parentOf(fulfillment)!)).toBe(confirm);
    expect(ancestors(shipmentCreated)).toContain(fulfillment);

    // Resource attributes name the process and its cell.
    expect(allocation.resource).toMatchObject({
      'service.name': 'inventory-allocation',
      'service.namespace': 'inventory',
      'cell.name': 'inventory',
    });
    expect(root.resource).toMatchObject({ 'service.name': 'gateway-global', 'cell.name': 'edge', 'deployment.environment.name': 'local' });

    // Logs written while handling the event carry the trace: allocation logs each stock command it applied.
    const lines = system
      .process('inventory/allocation')
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const applied = lines.find((l) => l.msg === 'stock command applied' && l.trace_id === root.traceId);
    expect(applied, 'a log line of the allocation with the order trace id').toBeDefined();
    expect(inTrace().some((x) => x.service === 'inventory-allocation' && x.spanId === applied.span_id)).toBe(true);
  });

  it('serves per-route, per-consumer and outbox metrics on each process’s Prometheus listener, and over OTLP', async () => {
    const sku = await s.productWithStock('METRICS', 5, 900);
    const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
    await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED');
    const p = placed.headers.get('x-cell-partition')!; // alice's partition: orders-1 or orders-2
    const refused = await api.call('GET', '/api/orders/not-an-order', { token: s.alice });
    expect(refused.status).toBe(404);

    const scrape = async (name: string) => {
      const res = await fetch(`http://127.0.0.1:${system.plan(name).metricsPort}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const sample = (text: string, metric: string, labels: Record<string, string>) =>
      text.split('\n').find((l) => l.startsWith(`${metric}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    const value = (line: string | undefined) => Number(line?.split(' ').at(-1));

    // HTTP per route: rate (count), errors (by status) and duration, with the route pattern, not the raw path.
    const orders = await scrape(`${p}/orders`);
    expect(
      value(sample(orders, 'http_server_request_duration_count', { http_route: '/internal/orders', http_response_status_code: '201' })),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(sample(orders, 'http_server_request_duration_count', { http_route: '/internal/orders/:id/transitions' })),
    ).toBeGreaterThanOrEqual(1);
    expect(orders).not.toContain(placed.body.id);
    expect(value(sample(orders, 'outbox_backlog', {}))).toBe(0);
    // A gateway records the request once its answer is out, so the client may ask a moment before that.
    await waitFor(
      async () =>
        sample(await scrape(`${p}/gateway`), 'http_server_request_duration_count', {
          http_route: '/orders/:id',
          http_response_status_code: '404',
        }),
      { what: 'the 404 in the orders gateway metrics' },
    );

    // Per consumer: events handled by outcome, with duration, and the consumer's lag.
    const allocation = await waitFor(
      async () => {
        const text = await scrape('inventory/allocation');
        return sample(text, 'messaging_consumer_lag', {
          messaging_consumer_group_name: 'inventory-allocation',
          messaging_destination_name: p.replace('-', '_').toUpperCase(),
        })
          ? text
          : undefined;
      },
      { what: 'the allocation consumer lag' },
    );
    expect(
      value(
        sample(allocation, 'messaging_process_duration_count', {
          messaging_consumer_group_name: 'inventory-allocation',
          messaging_destination_name: `orders.${p}.order.placed`,
          outcome: 'ack',
        }),
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(
        sample(allocation, 'messaging_consumer_lag', {
          messaging_consumer_group_name: 'inventory-allocation',
          messaging_destination_name: p.replace('-', '_').toUpperCase(),
        }),
      ),
    ).toBe(0);

    // The same metrics reach the OTLP receiver (as a collector or Jaeger's would).
    await waitFor(
      () => otlp.metrics.find((m) => m.service === 'inventory-allocation' && m.name === 'messaging.process.duration' && m.value >= 1),
      { what: 'consumer metrics over OTLP' },
    );
    await waitFor(() => otlp.metrics.find((m) => m.service === `${p}-orders` && m.name === 'outbox.backlog'), {
      what: 'outbox backlog over OTLP',
    });
  });
});
