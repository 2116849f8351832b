import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxEvents } from '@retail/data/testing';
import { partitionChangedEventSchema } from '@retail/placement-contract';
import { json, tempDir, type TempDir } from '@retail/testing';
import { placementsTestApp, type PlacementsTestApp } from '../test/test-app.ts';

/** The placement database as a real file, closed and opened again as a restart would. */
let dir: TempDir;
let file: string;
const open: PlacementsTestApp[] = [];
const start = async (partitions = 2) => {
  const t = await placementsTestApp({ file, partitions });
  open.push(t);
  return t;
};
const restart = async (t: PlacementsTestApp, partitions = 2) => {
  t.close();
  return start(partitions);
};

beforeEach(() => {
  dir = tempDir('placement-');
  file = join(dir.path, 'placement', 'placement.db');
});
afterEach(() => {
  for (const t of open.splice(0)) t.close();
  dir.remove();
});

describe('placement: across restarts', () => {
  it('keeps the map and its version: a restart changes nothing and announces nothing', async () => {
    const t = await start();
    await t.call('POST', '/placement/assignments', { token: t.router, body: { cell: 'orders', customerId: 'user-alice' } });
    await t.call('PUT', '/cells/placement/user-bob', { token: t.admin, body: { partition: 'orders-1' } });
    await t.call('PUT', '/cells/placement/partitions/orders-2', { token: t.admin, body: { state: 'draining' } });
    const before = await json(await t.call('GET', '/placement/map', { token: t.reader }));
    expect(before.version).toBe(5);

    const again = await restart(t);
    const res = await again.call('GET', '/placement/map', { token: again.reader, headers: { 'if-none-match': '"5"' } });
    expect(res.status).toBe(304);
    expect(await json(await again.call('GET', '/placement/map', { token: again.reader }))).toEqual(before);
    expect(outboxEvents(again.db)).toHaveLength(5);
    await again.call('PUT', '/cells/placement/partitions/orders-2', { token: again.admin, body: { state: 'active' } });
    expect(again.placements.version()).toBe(6);
  });

  it('adds a partition the system now runs as active, and moves no existing customer', async () => {
    const t = await start(2);
    const ids = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    for (const customerId of ids) await t.call('POST', '/placement/assignments', { token: t.router, body: { cell: 'orders', customerId } });
    const before = (await json(await t.call('GET', '/placement/map', { token: t.reader }))).cells[0].assignments;

    const three = await restart(t, 3);
    const map = await json(await three.call('GET', '/placement/map', { token: three.reader }));
    expect(map.version).toBe(2 + ids.length + 1);
    expect(map.cells[0].partitions).toEqual([
      { name: 'orders-1', state: 'active' },
      { name: 'orders-2', state: 'active' },
      { name: 'orders-3', state: 'active' },
    ]);
    expect(map.cells[0].assignments).toEqual(before);
    expect(partitionChangedEventSchema.parse(outboxEvents(three.db).at(-1).data)).toMatchObject({
      partition: 'orders-3',
      state: 'active',
      previous: null,
    });
    const newcomers = Array.from({ length: 60 }, (_, i) => `new-${i}`);
    const placed = [];
    for (const customerId of newcomers)
      placed.push(
        (await json(await three.call('POST', '/placement/assignments', { token: three.router, body: { cell: 'orders', customerId } })))
          .partition,
      );
    expect(placed).toContain('orders-3');
  });

  it('keeps a partition the system no longer runs, but offers it to no one', async () => {
    const t = await start(2);
    await t.call('PUT', '/cells/placement/user-held', { token: t.admin, body: { partition: 'orders-2' } });

    const one = await restart(t, 1);
    const overview = await json(await one.call('GET', '/cells/placement', { token: one.admin }));
    expect(overview.cells[0].partitions).toEqual([
      { name: 'orders-1', state: 'active', customers: 0, retired: false },
      { name: 'orders-2', state: 'active', customers: 1, retired: true },
    ]);
    const map = await json(await one.call('GET', '/placement/map', { token: one.reader }));
    expect(map.cells[0].partitions).toEqual([{ name: 'orders-1', state: 'active' }]);
    expect(map.cells[0].assignments).toEqual({ 'user-held': 'orders-2' });
    for (let i = 0; i < 20; i++) {
      const res = await one.call('POST', '/placement/assignments', {
        token: one.router,
        body: { cell: 'orders', customerId: `user-${i}` },
      });
      expect((await json(res)).partition).toBe('orders-1');
    }
    expect((await one.call('PUT', '/cells/placement/user-x', { token: one.admin, body: { partition: 'orders-2' } })).status).toBe(404);
    expect((await one.call('PUT', '/cells/placement/partitions/orders-2', { token: one.admin, body: { state: 'down' } })).status).toBe(404);
  });
});
