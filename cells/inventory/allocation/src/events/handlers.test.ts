import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '@retail/data';
import { outboxEvents, outboxSubjects } from '@retail/data/testing';
import { PermanentEventError, type CloudEvent } from '@retail/events';
import { HttpError } from '@retail/http-client';
import { ServiceUnavailableError } from '@retail/kernel';
import { freePort } from '@retail/testing';
import { orderCancelled, orderPlaced, shipmentDispatched, silent, startStock, stockCommandsFor } from '../../test/test-support.ts';
import type { StockCommands } from '../stock-commands.ts';
import { allocationHandlers } from './handlers.ts';

/** allocation's event handlers commanding the real stock core over HTTP, as the consumer calls them. */
let stock: Awaited<ReturnType<typeof startStock>>;
let client: ReturnType<typeof stockCommandsFor>;

beforeAll(async () => {
  stock = await startStock({ 'KIT-PAN': 10, 'OUT-TENT': 3 });
  client = stockCommandsFor(stock.url, stock.workloadToken);
});
afterAll(async () => {
  await client.close();
  await stock.close();
});
beforeEach(() => {
  stock.db.delete(outbox).run();
});

/** What the consumer does with a message: validate the data with the handler's schema, then apply. */
async function deliver(commands: StockCommands, event: CloudEvent) {
  const handler = allocationHandlers(commands, silent)[event.type]!;
  await handler.apply(handler.schema.parse(event.data), event);
}
const level = (sku: string) => stock.stock.get(sku);
const published = () => outboxSubjects(stock.db);

describe('allocation → stock: the saga steps', () => {
  it('reserves an order’s lines when it is placed, once even if the event is redelivered', async () => {
    const placed = orderPlaced('order-a1', [
      { sku: 'KIT-PAN', quantity: 2 },
      { sku: 'OUT-TENT', quantity: 1 },
    ]);
    await deliver(client.commands, placed);
    await deliver(client.commands, placed);
    expect(level('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 10, reserved: 2, available: 8 });
    expect(level('OUT-TENT')).toMatchObject({ reserved: 1 });
    expect(published()).toEqual(['inventory.orders-1.reservation.confirmed', 'inventory.stock.changed', 'inventory.stock.changed']);
  });

  it('settles a placement stock cannot fill: rejected, nothing reserved, the event is done', async () => {
    await deliver(client.commands, orderPlaced('order-a2', [{ sku: 'OUT-TENT', quantity: 50 }]));
    expect(published()).toEqual(['inventory.orders-1.reservation.rejected']);
    expect(level('OUT-TENT')).toMatchObject({ reserved: 1 });
  });

  it('answers the partition that placed the order: orders-2’s placements get inventory.orders-2.reservation.*', async () => {
    await deliver(client.commands, orderPlaced('order-p2a', [{ sku: 'KIT-PAN', quantity: 1 }], 'orders-2'));
    await deliver(client.commands, orderPlaced('order-p2b', [{ sku: 'OUT-TENT', quantity: 50 }], 'orders-2'));
    expect(published()).toEqual([
      'inventory.orders-2.reservation.confirmed',
      'inventory.stock.changed',
      'inventory.orders-2.reservation.rejected',
    ]);
    expect(outboxEvents(stock.db).filter((e) => e.type.startsWith('inventory.reservation.'))).toEqual([
      expect.objectContaining({ type: 'inventory.reservation.confirmed', partition: 'orders-2', subject: 'order-p2a' }),
      expect.objectContaining({ type: 'inventory.reservation.rejected', partition: 'orders-2', subject: 'order-p2b' }),
    ]);
    // Released again, so that the levels the next tests expect hold.
    await deliver(client.commands, orderCancelled('order-p2a', 'orders-2'));
    expect(level('KIT-PAN')).toMatchObject({ reserved: 2 });
  });

  it('releases the reservation when the order is cancelled', async () => {
    await deliver(client.commands, orderPlaced('order-a3', [{ sku: 'KIT-PAN', quantity: 5 }]));
    expect(level('KIT-PAN')).toMatchObject({ reserved: 7 });
    const cancelled = orderCancelled('order-a3');
    await deliver(client.commands, cancelled);
    await deliver(client.commands, cancelled);
    expect(level('KIT-PAN')).toMatchObject({ onHand: 10, reserved: 2 });
    expect(published().filter((s) => s === 'inventory.reservation.released')).toHaveLength(1);
  });

  it('commits the reservation when the shipment is dispatched: the goods are no longer on hand', async () => {
    await deliver(client.commands, orderPlaced('order-a4', [{ sku: 'KIT-PAN', quantity: 3 }]));
    const dispatched = shipmentDispatched('order-a4', [{ sku: 'KIT-PAN', quantity: 3 }]);
    await deliver(client.commands, dispatched);
    await deliver(client.commands, dispatched);
    expect(level('KIT-PAN')).toEqual({ sku: 'KIT-PAN', onHand: 7, reserved: 2, available: 5 });
  });

  it('treats a cancel or dispatch with nothing to act on as done', async () => {
    await expect(deliver(client.commands, orderCancelled('order-never-placed'))).resolves.toBeUndefined();
    await expect(
      deliver(client.commands, shipmentDispatched('order-never-placed-2', [{ sku: 'KIT-PAN', quantity: 1 }])),
    ).resolves.toBeUndefined();
    expect(level('KIT-PAN')).toMatchObject({ onHand: 7, reserved: 2 });
  });
});

describe('allocation → stock: answers that are not a success', () => {
  it('dead-letters at once a command stock refuses as invalid (400)', async () => {
    const error = await deliver(client.commands, orderPlaced('order/with/slashes', [{ sku: 'KIT-PAN', quantity: 1 }])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PermanentEventError);
    expect((error as Error).message).toMatch(/400/);
    expect(level('KIT-PAN')).toMatchObject({ reserved: 2 });
  });

  it('dead-letters at once a placement that names no orders partition to answer, reserving nothing', async () => {
    const { partition: _, ...unaddressed } = orderPlaced('order-no-partition', [{ sku: 'KIT-PAN', quantity: 1 }]);
    const error = await deliver(client.commands, unaddressed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentEventError);
    expect((error as Error).message).toMatch(/names no partition to answer/);
    expect(level('KIT-PAN')).toMatchObject({ reserved: 2 });
    expect(published()).toEqual([]);
  });

  it('dead-letters at once when the token lacks the inventory:internal scope (403)', async () => {
    const userToken = stockCommandsFor(stock.url, () => stock.tokens.sign({ sub: 'user-admin', scopes: ['inventory:write'] }));
    const error = await deliver(userToken.commands, orderPlaced('order-b1', [{ sku: 'KIT-PAN', quantity: 1 }])).catch((e: unknown) => e);
    await userToken.close();
    expect(error).toBeInstanceOf(PermanentEventError);
    expect(level('KIT-PAN')).toMatchObject({ reserved: 2 });
  });

  it('retries when stock does not accept the token (401): the cell’s keys may be catching up', async () => {
    const foreign = stockCommandsFor(stock.url, () =>
      stock.tokens.sign({ sub: 'service:inventory/allocation', scopes: ['inventory:internal'] }, { audience: 'cell:orders' }),
    );
    const error = await deliver(foreign.commands, orderPlaced('order-b2', [{ sku: 'KIT-PAN', quantity: 1 }])).catch((e: unknown) => e);
    await foreign.close();
    expect(error).toBeInstanceOf(HttpError);
    expect(error).not.toBeInstanceOf(PermanentEventError);
    expect((error as HttpError).status).toBe(401);
  });

  it('retries when stock is down (the consumer backs off and redelivers)', async () => {
    const down = stockCommandsFor(`http://127.0.0.1:${await freePort()}`, stock.workloadToken);
    const error = await deliver(down.commands, orderPlaced('order-b3', [{ sku: 'KIT-PAN', quantity: 1 }])).catch((e: unknown) => e);
    await down.close();
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/inventory stock is unavailable/);
  });

  it('treats a 409 (the reservation has moved on) as done', async () => {
    const conflict: StockCommands = {
      reserve: async () => {
        throw new HttpError(409, { detail: 'already settled' }, 'inventory stock');
      },
      release: async () => {
        throw new HttpError(409, { detail: 'already settled' }, 'inventory stock');
      },
      commit: async () => {
        throw new HttpError(422, { detail: 'unprocessable' }, 'inventory stock');
      },
    };
    await expect(deliver(conflict, orderPlaced('order-c1', [{ sku: 'KIT-PAN', quantity: 1 }]))).resolves.toBeUndefined();
    await expect(deliver(conflict, orderCancelled('order-c1'))).resolves.toBeUndefined();
    await expect(deliver(conflict, shipmentDispatched('order-c1', [{ sku: 'KIT-PAN', quantity: 1 }]))).rejects.toBeInstanceOf(
      PermanentEventError,
    );
  });
});
