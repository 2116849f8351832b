import { afterEach, describe, expect, it } from 'vitest';
import { outboxEvents } from '@retail/data/testing';
import { placeByRule, type Migration } from '@retail/placement-contract';
import { json } from '@retail/testing';
import { placementsTestApp, type PlacementsTestApp } from '../../test/test-app.ts';

let t: PlacementsTestApp;
afterEach(() => t.close());

/** `count` customers the rule gives to `partition`, recorded there, each with `orders` orders in it. */
const customersOn = async (partition: string, count: number, orders = 2) => {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const id = `user-${partition}-${i}`;
    if (
      placeByRule(
        id,
        t.placements.overview().cells[0]!.partitions.filter((p) => p.state === 'active'),
      ) !== partition
    )
      continue;
    await t.call('POST', '/placement/assignments', { token: t.router, body: { cell: 'orders', customerId: id } });
    t.partitions.seed(partition, id, orders);
    ids.push(id);
  }
  return ids;
};
const move = (customerId: string, partition: unknown) =>
  t.call('POST', '/cells/migrations', { token: t.admin, body: { customerId, partition } });
const migration = async (id: string): Promise<Migration> => json(await t.call('GET', `/cells/migrations/${id}`, { token: t.admin }));
const placementOf = async (id: string) => (await json(await t.call('GET', `/cells/placement/${id}`, { token: t.admin }))).partition;
const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
};
const finished = (id: string) =>
  until(
    () => migration(id),
    (m) => ['done', 'rolled-back', 'cancelled'].includes(m.state),
  );

describe('moving one customer', () => {
  it('freezes, copies, flips the map and releases the source: their orders end up in the target only', async () => {
    t = await placementsTestApp();
    const [alice] = await customersOn('orders-1', 1, 3);
    const res = await move(alice!, 'orders-2');
    expect(res.status).toBe(202);
    const started = await json(res);
    expect(res.headers.get('location')).toBe(`/cells/migrations/${started.id}`);
    expect(started).toMatchObject({ customerId: alice, from: 'orders-1', to: 'orders-2', state: 'pending', drain: null });

    const done = await finished(started.id);
    expect(done).toMatchObject({ state: 'done', orders: 3, reason: null });
    expect(Date.parse(done.frozenAt!)).toBeLessThanOrEqual(Date.parse(done.flippedAt!));
    expect(t.partitions.holding('orders-2', alice!)).toMatchObject({ orders: 3, history: 6 });
    expect(t.partitions.holding('orders-1', alice!)).toMatchObject({ state: 'gone', orders: 0, partition: 'orders-2' });
    expect(t.partitions.calls.filter((c) => c.endsWith(alice!))).toEqual([
      `freeze orders-1 ${alice}`,
      `export orders-1 ${alice}`,
      `import orders-2 ${alice}`,
      `release orders-1 ${alice}`,
    ]);
    expect(await placementOf(alice!)).toBe('orders-2');
    expect(outboxEvents(t.db).at(-1)).toMatchObject({
      type: 'placement.customer.assigned',
      data: { customerId: alice, partition: 'orders-2', previous: 'orders-1', source: 'migration' },
    });
    // And back again.
    const back = await json(await move(alice!, 'orders-1'));
    expect(await finished(back.id)).toMatchObject({ state: 'done', orders: 3 });
    expect(t.partitions.holding('orders-1', alice!).orders).toBe(3);
    expect(t.partitions.holding('orders-2', alice!)).toMatchObject({ state: 'gone', orders: 0 });
    const list = await json(await t.call('GET', `/cells/migrations?partition=orders-2&state=done`, { token: t.admin }));
    expect(list.items.map((m: Migration) => m.id)).toEqual([back.id, started.id]);
  });

  it('refuses, with 409 and nothing changed, a second move of a customer being moved', async () => {
    t = await placementsTestApp({ moves: { stepDelayMs: 300 } });
    const [alice] = await customersOn('orders-1', 1);
    const first = await json(await move(alice!, 'orders-2'));
    const second = await move(alice!, 'orders-2');
    expect(second.status).toBe(409);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(second)).toMatchObject({
      type: '/api/problems/migration-in-progress',
      migrationId: first.id,
      detail: expect.stringContaining(alice!),
    });
    expect((await json(await t.call('GET', '/cells/migrations', { token: t.admin }))).items).toHaveLength(1);
    expect(await finished(first.id)).toMatchObject({ state: 'done' });
  });

  it('refuses bad moves with a clear problem and changes nothing', async () => {
    t = await placementsTestApp({ partitions: 3 });
    const [alice] = await customersOn('orders-1', 1);
    const version = t.placements.version();
    const cases: [unknown, unknown, number, string][] = [
      [alice, 'orders-1', 409, 'served by orders-1 already'],
      [alice, 'orders-7', 404, 'orders-7'],
      ['user-nobody', 'orders-2', 404, 'user-nobody'],
      [alice, 'orders', 400, ''],
      ['', 'orders-2', 400, ''],
    ];
    for (const [customerId, partition, status, detail] of cases) {
      const res = await move(customerId as string, partition);
      expect(res.status, `${customerId} → ${partition}`).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = await json(res);
      if (status === 400) expect(problem.errors.length).toBeGreaterThan(0);
      else expect(problem.detail).toContain(detail);
    }
    await t.call('PUT', '/cells/placement/partitions/orders-2', { token: t.admin, body: { state: 'down' } });
    expect(await json(await move(alice!, 'orders-2'))).toMatchObject({ status: 409, detail: expect.stringContaining('down') });
    await t.call('PUT', '/cells/placement/partitions/orders-2', { token: t.admin, body: { state: 'draining' } });
    expect(await json(await move(alice!, 'orders-2'))).toMatchObject({ status: 409, detail: expect.stringContaining('draining') });
    t.partitions.setDown('orders-3', true);
    expect(await json(await move(alice!, 'orders-3'))).toMatchObject({ status: 409, detail: expect.stringContaining('does not answer') });
    expect((await json(await t.call('GET', '/cells/migrations', { token: t.admin }))).items).toEqual([]);
    expect(t.placements.version()).toBe(version + 2);
    expect(t.partitions.calls.filter((c) => !c.startsWith('held'))).toEqual([]);
    expect(
      (await t.call('POST', '/cells/migrations', { token: t.customer, body: { customerId: alice, partition: 'orders-2' } })).status,
    ).toBe(403);
    expect((await t.call('GET', '/cells/migrations/not-a-uuid', { token: t.admin })).status).toBe(400);
    expect((await t.call('GET', `/cells/migrations/${crypto.randomUUID()}`, { token: t.admin })).status).toBe(404);
  });

  it('rolls back when the target stops answering before the flip: the source keeps the customer, unfrozen', async () => {
    t = await placementsTestApp({ moves: { stepDelayMs: 200, stepTimeoutMs: 500 } });
    const [alice] = await customersOn('orders-1', 1);
    const started = await json(await move(alice!, 'orders-2'));
    await until(
      () => migration(started.id),
      (m) => m.state === 'frozen',
    );
    t.partitions.setDown('orders-2', true);
    const rollingBack = await until(
      () => migration(started.id),
      (m) => m.state === 'rolling-back',
    );
    expect(rollingBack.reason).toMatch(/frozen: .*orders-2/);
    // The source is unfrozen at once; what the target may hold is discarded once it answers again.
    await until(
      async () => t.partitions.holding('orders-1', alice!).state,
      (s) => s === 'serving',
    );
    expect(t.partitions.holding('orders-1', alice!)).toMatchObject({ state: 'serving', orders: 2 });
    t.partitions.setDown('orders-2', false);
    expect(await finished(started.id)).toMatchObject({ state: 'rolled-back' });
    expect(t.partitions.holding('orders-2', alice!).orders).toBe(0);
    expect(await placementOf(alice!)).toBe('orders-1');
  });
});

describe('moves survive a restart of the controller', () => {
  it('resumes a move from the step it had reached', async () => {
    const { tempDir } = await import('@retail/testing');
    const { join } = await import('node:path');
    const dir = tempDir('placement-moves-');
    const file = join(dir.path, 'placement.db');
    try {
      t = await placementsTestApp({ file, moves: { stepDelayMs: 400 } });
      const [alice] = await customersOn('orders-1', 1, 4);
      const stand = t.partitions;
      const started = await json(await move(alice!, 'orders-2'));
      await until(
        () => migration(started.id),
        (m) => m.state === 'frozen',
      );
      await t.close(); // as a crash between steps: the record says frozen
      t = await placementsTestApp({ file, moves: { stepDelayMs: 0 }, standIn: stand });
      expect(await finished(started.id)).toMatchObject({ state: 'done', orders: 4 });
      expect(stand.holding('orders-2', alice!).orders).toBe(4);
      expect(stand.holding('orders-1', alice!).state).toBe('gone');
      expect(await placementOf(alice!)).toBe('orders-2');
    } finally {
      await t.close();
      dir.remove();
      t = await placementsTestApp();
    }
  });
});

describe('draining a partition', () => {
  it('moves every customer off it in bounded batches, then undrain makes it active again', async () => {
    t = await placementsTestApp({ moves: { concurrency: 2 } });
    const customers = await customersOn('orders-1', 12);
    const stray = 'user-stray';
    t.partitions.seed('orders-1', stray, 1); // holds orders there without a placement: moved too
    const res = await t.call('POST', '/cells/placement/partitions/orders-1/drain', { token: t.admin });
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ partition: 'orders-1', state: 'running' });
    const status = await until(
      async () => json(await t.call('GET', '/cells/placement/partitions/orders-1/drain', { token: t.admin })),
      (d) => d.state === 'done',
    );
    expect(status).toMatchObject({ state: 'done', migrations: { done: 13 }, customersLeft: 0 });
    for (const id of [...customers, stray]) {
      expect(t.partitions.holding('orders-2', id).orders).toBeGreaterThan(0);
      expect(t.partitions.holding('orders-1', id).orders).toBe(0);
    }
    expect((await t.partitions.client.held('orders-1')).length).toBe(0);
    const overview = await json(await t.call('GET', '/cells/placement', { token: t.admin }));
    expect(overview.cells[0].partitions[0]).toMatchObject({ name: 'orders-1', state: 'draining', customers: 0 });
    // Nobody new goes there while it drains.
    const fresh = await json(
      await t.call('POST', '/placement/assignments', { token: t.router, body: { cell: 'orders', customerId: 'user-newcomer' } }),
    );
    expect(fresh.partition).toBe('orders-2');

    const undone = await t.call('POST', '/cells/placement/partitions/orders-1/undrain', { token: t.admin });
    expect(await json(undone)).toMatchObject({ partition: 'orders-1', state: 'undone' });
    expect((await json(await t.call('GET', '/cells/placement', { token: t.admin }))).cells[0].partitions[0].state).toBe('active');
  });

  it('undrain cancels the moves not started yet; those under way finish', async () => {
    t = await placementsTestApp({ moves: { concurrency: 1, stepDelayMs: 100 } });
    await customersOn('orders-1', 6);
    await t.call('POST', '/cells/placement/partitions/orders-1/drain', { token: t.admin });
    await new Promise((r) => setTimeout(r, 150));
    const undone = await json(await t.call('POST', '/cells/placement/partitions/orders-1/undrain', { token: t.admin }));
    expect(undone.migrations.cancelled).toBeGreaterThanOrEqual(4);
    const all = await until(
      async () => (await json(await t.call('GET', '/cells/migrations?drain=orders-1', { token: t.admin }))).items as Migration[],
      (items) => items.every((m) => ['done', 'cancelled'].includes(m.state)),
    );
    expect(all.filter((m) => m.state === 'cancelled').every((m) => m.reason?.includes('undone'))).toBe(true);
    for (const m of all) expect(await placementOf(m.customerId)).toBe(m.state === 'done' ? 'orders-2' : 'orders-1');
  });

  it('refuses to drain the only active partition, or one that does not answer (409), changing nothing', async () => {
    t = await placementsTestApp();
    await customersOn('orders-1', 2);
    await t.call('PUT', '/cells/placement/partitions/orders-2', { token: t.admin, body: { state: 'down' } });
    expect(await json(await t.call('POST', '/cells/placement/partitions/orders-1/drain', { token: t.admin }))).toMatchObject({
      status: 409,
      detail: expect.stringContaining('no other partition is active'),
    });
    await t.call('PUT', '/cells/placement/partitions/orders-2', { token: t.admin, body: { state: 'active' } });
    t.partitions.setDown('orders-1', true);
    expect((await t.call('POST', '/cells/placement/partitions/orders-1/drain', { token: t.admin })).status).toBe(409);
    expect((await json(await t.call('GET', '/cells/placement', { token: t.admin }))).cells[0].partitions[0].state).toBe('active');
    expect((await t.call('POST', '/cells/placement/partitions/orders-9/drain', { token: t.admin })).status).toBe(404);
  });
});
