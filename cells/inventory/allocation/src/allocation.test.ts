import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startComponentConsumers,
  startOutboxRelay,
  type Bus,
  type CloudEvent,
  type OutboxRelay,
  type RunningConsumer,
  wireSubject,
} from '@retail/events';
import { inventoryCell } from '@retail/inventory-contract';
import { startTestBus, type TestBus } from '@retail/events/testing';
import { systemCells } from '@retail/topology';
import { internalTestTokens, waitFor } from '@retail/testing';
import { createApp } from './app.ts';
import { allocationHandlers } from './events/handlers.ts';
import { orderCancelled, orderPlaced, shipmentDispatched, silent, startStock, stockCommandsFor } from '../test/test-support.ts';

/**
 * The inventory cell's saga steps end to end inside the cell: other cells' events on a real nats-server
 * with the running system's streams (every orders partition its own) → allocation's consumers → stock
 * over HTTP → stock's outbox → inventory events on the INVENTORY stream, answers addressed to the
 * partition that placed the order.
 */
const system = systemCells();
let test: TestBus;
let bus: Bus;
let stock: Awaited<ReturnType<typeof startStock>>;
let client: ReturnType<typeof stockCommandsFor>;
let relay: OutboxRelay;
let consumers: RunningConsumer[];

beforeAll(async () => {
  test = await startTestBus({ name: 'allocation-test', logger: silent, cells: system });
  ({ bus } = test);
  stock = await startStock({ 'KIT-PAN': 10, 'OUT-TENT-2P': 3 });
  relay = startOutboxRelay({ db: stock.db, js: bus.js, logger: silent, intervalMs: 50 });
  client = stockCommandsFor(stock.url, stock.workloadToken);
  consumers = startComponentConsumers({
    bus,
    cell: inventoryCell,
    system,
    component: 'allocation',
    handlers: allocationHandlers(client.commands, silent),
    logger: silent,
    maxDeliver: 2,
  });
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await relay.stop();
  await client.close();
  await stock.close();
  await test.dispose();
});

/** Publish as the orders partitions and the shipping cell do: on the event's wire subject. */
const publish = (event: CloudEvent, msgID = event.id, subject = wireSubject(event)) =>
  bus.js.publish(subject, JSON.stringify(event), { msgID });

/** The inventory events about one order, as other cells see them on the stream: where they travel, what they say. */
async function inventoryEvents(orderId: string): Promise<Array<{ on: string; type: string; data: any }>> {
  const found: Array<{ on: string; type: string; data: any }> = [];
  const info = await bus.jsm.streams.info('INVENTORY');
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await bus.jsm.streams.getMessage('INVENTORY', { seq }).catch(() => null);
    const event = message?.json<CloudEvent<any>>();
    if (event?.subject === orderId) found.push({ on: message!.subject, type: event.type, data: event.data });
  }
  return found;
}
const eventually = <T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string) =>
  waitFor(check, { what, timeoutMs: 10_000 });

describe('inventory cell: orders and shipping events in, reservations out', () => {
  it('placed → reservation.confirmed on INVENTORY, addressed to orders-1; dispatched → the goods leave on-hand', async () => {
    await publish(orderPlaced('order-1', [{ sku: 'KIT-PAN', quantity: 4 }]));
    const [confirmed] = await eventually(
      async () => (await inventoryEvents('order-1')).length === 1 && inventoryEvents('order-1'),
      'reservation.confirmed',
    );
    expect(confirmed).toEqual({
      on: 'inventory.orders-1.reservation.confirmed',
      type: 'inventory.reservation.confirmed',
      data: { orderId: 'order-1', lines: [{ sku: 'KIT-PAN', quantity: 4 }] },
    });
    expect(stock.stock.get('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 10, reserved: 4, available: 6 });

    await publish(shipmentDispatched('order-1', [{ sku: 'KIT-PAN', quantity: 4 }]));
    await eventually(() => stock.stock.get('KIT-PAN').onHand === 6, 'the commit');
    expect(stock.stock.get('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 6, reserved: 0, available: 6 });
  });

  it('placed beyond stock → reservation.rejected with the shortages', async () => {
    await publish(orderPlaced('order-2', [{ sku: 'OUT-TENT-2P', quantity: 5 }]));
    const [rejected] = await eventually(
      async () => (await inventoryEvents('order-2')).length === 1 && inventoryEvents('order-2'),
      'reservation.rejected',
    );
    expect(rejected!.on).toBe('inventory.orders-1.reservation.rejected');
    expect(rejected!.type).toBe('inventory.reservation.rejected');
    expect(rejected!.data.shortages).toEqual([{ sku: 'OUT-TENT-2P', requested: 5, available: 3 }]);
  });

  it('reads every orders partition’s stream, and answers orders-2’s placements on inventory.orders-2.reservation.*', async () => {
    await publish(orderPlaced('order-p2-ok', [{ sku: 'KIT-PAN', quantity: 1 }], 'orders-2'));
    await publish(orderPlaced('order-p2-short', [{ sku: 'OUT-TENT-2P', quantity: 50 }], 'orders-2'));
    const [confirmed] = await eventually(
      async () => (await inventoryEvents('order-p2-ok')).length === 1 && inventoryEvents('order-p2-ok'),
      'orders-2’s reservation confirmed',
    );
    const [rejected] = await eventually(
      async () => (await inventoryEvents('order-p2-short')).length === 1 && inventoryEvents('order-p2-short'),
      'orders-2’s reservation rejected',
    );
    expect(confirmed).toMatchObject({ on: 'inventory.orders-2.reservation.confirmed', type: 'inventory.reservation.confirmed' });
    expect(rejected).toMatchObject({ on: 'inventory.orders-2.reservation.rejected', type: 'inventory.reservation.rejected' });
    // One durable of the same name on each partition's stream.
    for (const [stream, filter] of [
      ['ORDERS_1', 'orders.orders-1.order.*'],
      ['ORDERS_2', 'orders.orders-2.order.*'],
    ])
      expect((await bus.jsm.consumers.info(stream!, 'inventory-allocation')).config.filter_subject).toBe(filter);
    await publish(orderCancelled('order-p2-ok', 'orders-2'));
    await eventually(() => stock.stock.get('KIT-PAN').reserved === 0 || undefined, 'orders-2’s reservation released');
  });

  it('cancelled → reservation.released, and a placement event delivered twice reserves once', async () => {
    const placed = orderPlaced('order-3', [{ sku: 'OUT-TENT-2P', quantity: 2 }]);
    await publish(placed);
    await publish(placed, `${placed.id}-republished`);
    await publish(orderCancelled('order-3'));
    const events = await eventually(
      async () => (await inventoryEvents('order-3')).length === 2 && inventoryEvents('order-3'),
      'confirmed and released',
    );
    expect(events.map((e) => e.type)).toEqual(['inventory.reservation.confirmed', 'inventory.reservation.released']);
    expect(stock.stock.get('OUT-TENT-2P')).toMatchObject({ onHand: 3, reserved: 0 });
  });

  it('dead-letters an event it cannot use and keeps going', async () => {
    await publish(orderPlaced('order-4', []));
    await publish(orderPlaced('order-5', [{ sku: 'KIT-PAN', quantity: 1 }]));
    await eventually(async () => (await inventoryEvents('order-5')).length === 1, 'the next order reserved');
    const dead = await eventually(
      async () => (await bus.jsm.streams.getMessage('INVENTORY', { last_by_subj: 'inventory.dlq.allocation' })) ?? undefined,
      'the dead letter',
    );
    expect(dead.header.get('Dlq-Original-Subject')).toBe('orders.orders-1.order.placed');
    expect(dead.header.get('Dlq-Reason')).toMatch(/^invalid orders.order.placed: lines: Too small/);
  });

  it('is ready while NATS is connected', async () => {
    const verifyToken = (await internalTestTokens('inventory')).verifier;
    const app = createApp({ logger: silent, verifyToken, isReady: bus.isConnected });
    expect((await app.request('/readyz')).status).toBe(200);
    expect((await app.request('/anything')).status).toBe(401);
    const notReady = createApp({ logger: silent, verifyToken, isReady: () => false });
    expect((await notReady.request('/readyz')).status).toBe(503);
  });
});
