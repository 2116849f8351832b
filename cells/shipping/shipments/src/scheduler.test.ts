import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { outboxSubjects } from '@retail/data/testing';
import { createLogger } from '@retail/kernel';
import { tempDir, type TempDir, OPERATOR } from '@retail/testing';
import { openOwnDatabase } from './db/open.ts';
import { startAutoShipping, type AutoShipping } from './scheduler.ts';
import { createShipments, type ShipmentsOptions } from './shipments.ts';
import { shipmentCommand } from '../test/test-app.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const START = Date.parse('2026-03-01T10:00:00.000Z');
let now: number;
const clock = () => now;

let dir: TempDir;
let file: string;
const open: Array<{ close(): void }> = [];
const running: AutoShipping[] = [];

beforeEach(() => {
  now = START;
  dir = tempDir('shipments-scheduler-');
  file = join(dir.path, 'shipments.db');
});
afterEach(() => {
  vi.useRealTimers();
  for (const s of running.splice(0)) s.stop();
  for (const d of open.splice(0)) d.close();
  dir.remove();
});

/** A shipments process: its database file, the aggregate and the scheduler, all on the fake clock. */
function boot(options: ShipmentsOptions = {}, scheduler: { dispatch?: boolean; deliver?: boolean } = {}) {
  const database = openOwnDatabase(file);
  open.push(database);
  const shipments = createShipments(database.db, { clock, ...options });
  const auto = startAutoShipping({
    shipments,
    clock,
    logger,
    dispatch: scheduler.dispatch ?? (options.autoDispatchAfterMs ?? 0) > 0,
    deliver: scheduler.deliver ?? (options.autoDeliverAfterMs ?? 0) > 0,
  });
  running.push(auto);
  const subjects = () => outboxSubjects(database.db);
  return { database, shipments, auto, subjects };
}

const create = (shipments: ReturnType<typeof boot>['shipments'], orderId = 'order-1') =>
  shipments.create(shipmentCommand(orderId), randomUUID()).shipment;

describe('automatic dispatch and delivery', () => {
  it('dispatches when the dispatch delay has passed, then delivers after the delivery delay, with the usual events', () => {
    const { shipments, auto, subjects } = boot({ autoDispatchAfterMs: 5_000, autoDeliverAfterMs: 10_000 });
    const { id } = create(shipments);

    now = START + 4_999;
    expect(auto.runDue()).toBe(0);
    expect(shipments.get(id, OPERATOR).status).toBe('PENDING');

    now = START + 5_000;
    expect(auto.runDue()).toBe(1);
    expect(shipments.get(id, OPERATOR).history.at(-1)).toEqual({
      status: 'DISPATCHED',
      at: new Date(now).toISOString(),
      reason: 'dispatched automatically',
    });

    now = START + 14_999;
    expect(auto.runDue()).toBe(0);
    now = START + 15_000;
    expect(auto.runDue()).toBe(1);
    expect(shipments.get(id, OPERATOR).history.map((h) => h.status)).toEqual(['PENDING', 'DISPATCHED', 'DELIVERED']);
    expect(subjects()).toEqual([
      'shipping.orders-1.shipment.created',
      'shipping.orders-1.shipment.dispatched',
      'shipping.orders-1.shipment.delivered',
    ]);

    now = START + 60_000;
    expect(auto.runDue()).toBe(0);
  });

  it('loses nothing across a restart: overdue shipments move at the first tick after it', () => {
    const before = boot({ autoDispatchAfterMs: 5_000, autoDeliverAfterMs: 5_000 });
    const { id } = create(before.shipments);
    before.auto.stop();
    before.database.close();

    now = START + 30_000; // down for a while
    const after = boot({ autoDispatchAfterMs: 5_000, autoDeliverAfterMs: 5_000 });
    expect(after.auto.runDue()).toBe(1);
    expect(after.shipments.get(id, OPERATOR).status).toBe('DISPATCHED');
    now += 5_000;
    expect(after.auto.runDue()).toBe(1);
    expect(after.shipments.get(id, OPERATOR).status).toBe('DELIVERED');
    expect(after.subjects()).toEqual([
      'shipping.orders-1.shipment.created',
      'shipping.orders-1.shipment.dispatched',
      'shipping.orders-1.shipment.delivered',
    ]);
  });

  it('leaves alone what an operator or a cancellation already moved', () => {
    const { shipments, auto, subjects } = boot({ autoDispatchAfterMs: 5_000, autoDeliverAfterMs: 10_000 });
    const early = create(shipments, 'order-early');
    const cancelled = create(shipments, 'order-cancelled');
    now = START + 1_000;
    shipments.dispatch(early.id);
    shipments.cancelByOrder('order-cancelled', randomUUID());

    now = START + 10_000;
    expect(auto.runDue()).toBe(0);
    expect(shipments.get(cancelled.id, OPERATOR).status).toBe('CANCELLED');
    // Delivery is due 10 s after the operator's dispatch, not after the planned automatic one.
    now = START + 11_000;
    expect(auto.runDue()).toBe(1);
    expect(shipments.get(early.id, OPERATOR).status).toBe('DELIVERED');
    expect(subjects().filter((s) => s === 'shipping.orders-1.shipment.dispatched')).toHaveLength(1);
  });

  it('does nothing automatically when the delays are 0 (the default)', () => {
    const { shipments, auto } = boot();
    const { id } = create(shipments);
    now = START + 365 * 24 * 3_600_000;
    expect(auto.runDue()).toBe(0);
    shipments.dispatch(id);
    now += 365 * 24 * 3_600_000;
    expect(auto.runDue()).toBe(0);
    expect(shipments.get(id, OPERATOR).status).toBe('DISPATCHED');
  });

  it('honours a delay switched off across a restart, even for shipments that were due', () => {
    const before = boot({ autoDispatchAfterMs: 5_000 });
    const { id } = create(before.shipments);
    before.auto.stop();
    before.database.close();
    now = START + 60_000;
    const after = boot({}, { dispatch: false, deliver: false });
    expect(after.auto.runDue()).toBe(0);
    expect(after.shipments.get(id, OPERATOR).status).toBe('PENDING');
  });

  it('ticks on its own every 250 ms until stopped', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { shipments, auto } = boot({ autoDispatchAfterMs: 1_000, autoDeliverAfterMs: 1_000 });
    const { id } = create(shipments);
    now = START + 1_000;
    vi.advanceTimersByTime(249);
    expect(shipments.get(id, OPERATOR).status).toBe('PENDING');
    vi.advanceTimersByTime(1);
    expect(shipments.get(id, OPERATOR).status).toBe('DISPATCHED');
    auto.stop();
    now = START + 10_000;
    vi.advanceTimersByTime(5_000);
    expect(shipments.get(id, OPERATOR).status).toBe('DISPATCHED');
  });
});
