import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startComponentConsumers,
  startOutboxRelay,
  type Bus,
  type CloudEvent,
  type OutboxRelay,
  type RunningConsumer,
} from '@retail/events';
import { inventoryCell } from '@retail/inventory-contract';
import { startTestBus, type TestBus } from '@retail/events/testing';
import { waitFor } from '@retail/testing';
import { createApp } from './app.ts';
import { allocationHandlers } from './events/handlers.ts';
import { orderCancelled, orderPlaced, shipmentDispatched, silent, startStock, stockCommandsFor } from '../test/test-support.ts';

/**
 * The inventory cell's saga steps end to end inside the cell: other cells' events on a real nats-server
 * → allocation's consumers → stock over HTTP → stock's outbox → inventory events on the INVENTORY stream.
 */
let test: TestBus;
let bus: Bus;
let stock: Awaited<ReturnType<typeof startStock>>;
let client: ReturnType<typeof stockCommandsFor>;
let relay: OutboxRelay;
let consumers: RunningConsumer[];

beforeAll(async () => {
  test = await startTestBus({ name: 'allocation-test', logger: silent, streams: ['ORDERS', 'SHIPPING', 'INVENTORY'] });
  ({ bus } = test);
  stock = await startStock({ 'KIT-PAN': 10, 'OUT-TENT-2P': 3 });
  relay = startOutboxRelay({ db: stock.db, js: bus.js, logger: silent, intervalMs: 50 });
  client = stockCommandsFor(stock.url, stock.workloadToken);
  consumers = startComponentConsumers({
    bus,
    cell: inventoryCell,
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

const publish = (event: CloudEvent, msgID = event.id) => bus.js.publish(event.type, JSON.stringify(event), { msgID });

/** The inventory events about one order, as other cells see them on the stream. */
async function inventoryEvents(orderId: string): Promise<Array<{ type: string; data: any }>> {
  const found: Array<{ type: string; data: any }> = [];
  const info = await bus.jsm.streams.info('INVENTORY');
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await bus.jsm.streams.getMessage('INVENTORY', { seq }).catch(() => null);
    const event = message?.json<CloudEvent<any>>();
    if (event?.subject === orderId) found.push({ type: event.type, data: event.data });
  }
  return found;
}
const eventually = <T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string) =>
  waitFor(check, { what, timeoutMs: 10_000 });

describe('inventory cell: orders and shipping events in, reservations out', () => {
  it('placed → reservation.confirmed on INVENTORY; dispatched → the goods leave on-hand', async () => {
    await publish(orderPlaced('order-1', [{ sku: 'KIT-PAN', quantity: 4 }]));
    const [confirmed] = await eventually(
      async () => (await inventoryEvents('order-1')).length === 1 && inventoryEvents('order-1'),
      'reservation.confirmed',
    );
    expect(confirmed).toEqual({
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
    expect(rejected!.type).toBe('inventory.reservation.rejected');
    expect(rejected!.data.shortages).toEqual([{ sku: 'OUT-TENT-2P', requested: 5, available: 3 }]);
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
    expect(dead.header.get('Dlq-Original-Subject')).toBe('orders.order.placed');
    expect(dead.header.get('Dlq-Reason')).toMatch(/^invalid orders.order.placed: lines: Too small/);
  });

  it('is ready while NATS is connected', async () => {
    const app = createApp({ logger: silent, isReady: bus.isConnected });
    expect((await app.request('/readyz')).status).toBe(200);
    const notReady = createApp({ logger: silent, isReady: () => false });
    expect((await notReady.request('/readyz')).status).toBe(503);
  });
});
