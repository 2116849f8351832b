import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { systemCells } from '@retail/topology';
import { waitFor } from '@retail/testing';
import { startShopSystem } from '../src/retail.ts';
import { undeclaredEdges } from '../src/trace-topology.ts';

/**
 * The contracts as a client outside this repository meets them: the documents are served by the running
 * system as committed, and the run's own traffic is checked against them (every system test's
 * `stop()` fails on an answer that does not match the OpenAPI document, or an edge between cells that the
 * descriptors do not declare); here, that those checks see real traffic and would catch a real breach.
 */
const { system, api, s } = await startShopSystem();
afterAll(() => system.stop());

const committed = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));

describe('the contract documents on the running system', () => {
  it('serves the public OpenAPI document at /api/openapi.json as committed, and the reference page beside it', async () => {
    const served = await api.call('GET', '/api/openapi.json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual(committed('gateway-global/openapi.json'));
    const page = await fetch(`${system.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('serves each cell’s own document at its gateway, as committed (each orders partition the orders cell’s)', async () => {
    for (const cell of systemCells({})) {
      const name = cell.partition ?? cell.name;
      const res = await fetch(`${system.plan(`${name}/gateway`).url}/openapi.json`);
      expect(res.status, name).toBe(200);
      expect(await res.json(), name).toEqual(committed(`cells/${cell.name}/contract/openapi.json`));
    }
  });
});

describe('the checks of real traffic', () => {
  it('checks every answer through gateway-global and every event, and sees every process’s spans, a saga’s included', async () => {
    const sku = await s.productWithStock('CONTRACT', 5, 900);
    const placed = await s.placeOrder(s.alice, [{ sku, quantity: 1 }]);
    expect(placed.status).toBe(201);
    await s.orderReaches(s.alice, placed.body.id, 'CONFIRMED');
    // Cancelling a confirmed order has checkout ask the shipping cell, through its gateway, to cancel the shipment.
    const cancelled = await api.post('/api/orders/{id}/cancel', { path: { id: placed.body.id }, token: s.alice });
    expect(cancelled.status).toBe(200);
    expect(system.contractChecks().answers).toBeGreaterThan(5);
    // The saga's events went by the AsyncAPI check: placed, reserved, confirmed at least.
    await waitFor(() => (system.contractChecks().events >= 3 ? true : undefined), { what: 'the saga’s events checked' });
    // Spans of checkout's shipment cancel through the shipping gateway: a real edge between cells. (Placing
    // an order makes none: the orders cell prices from its own projection of the products cell's events.)
    const cancel = await waitFor(
      () =>
        system.otlp!.spans.find(
          (span) =>
            span.service === 'shipping-gateway' &&
            /^\/shipments\/by-order\/[^/]+\/cancel$/.test(String(span.attributes['url.path'])) &&
            span.parentSpanId !== undefined,
        ),
      { what: 'the shipping gateway’s span of a shipment cancel' },
    );
    expect(cancel).toBeDefined();
    expect(system.otlp!.spans.some((span) => span.service === 'products-gateway' && span.attributes['url.path'] === '/prices')).toBe(false);
  });

  it('would fail the run on an edge between cells the descriptors do not declare', async () => {
    const cells = systemCells({});
    // As the spans show it, the run so far kept to the declared topology.
    expect(undeclaredEdges(system.otlp!.spans, cells)).toEqual([]);
    // The same spans against descriptors in which checkout declares no calls: the shipment cancel is undeclared.
    const withoutCalls = cells.map((cell) =>
      cell.name === 'orders' ? { ...cell, components: cell.components.map((c) => ({ ...c, calls: [] })) } : cell,
    );
    // Each process exports its spans in batches: wait for both ends of each hop.
    const reported = (descriptors: typeof cells, edge: RegExp) =>
      waitFor(() => undeclaredEdges(system.otlp!.spans, descriptors).find((line) => edge.test(line)), { what: `${edge}` });
    expect(
      await reported(
        withoutCalls,
        /^orders-\d\/checkout → shipping\/gateway over HTTP \/shipments\/by-order\/[^/]+\/cancel: checkout does not declare calls to shipping$/,
      ),
    ).toBeDefined();
    // And with allocation no longer consuming orders.order.placed, the saga's first event is undeclared.
    const withoutConsumer = cells.map((cell) =>
      cell.name === 'inventory'
        ? {
            ...cell,
            components: cell.components.map((c) => ({
              ...c,
              consumes: c.consumes?.filter((x) => x.subject !== 'orders.order.placed'),
            })),
          }
        : cell,
    );
    expect(
      await reported(
        withoutConsumer,
        /^orders-\d\/orders → inventory\/allocation over NATS orders\.order\.placed: not declared by the consumer$/,
      ),
    ).toBeDefined();
  });
});
