import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxEvents } from '@retail/data/testing';
import { customerAssignedEventSchema, placeByRule, placementMapSchema } from '@retail/placement-contract';
import { json } from '@retail/testing';
import { placementsTestApp, type PlacementsTestApp } from '../../test/test-app.ts';

let t: PlacementsTestApp;
beforeEach(async () => {
  t = await placementsTestApp();
});
afterEach(() => t.close());

const assign = (body: unknown, token = t.router) => t.call('POST', '/placement/assignments', { token, body });
const readMap = (headers: Record<string, string> = {}, token = t.reader) => t.call('GET', '/placement/map', { token, headers });

describe('placement: first-use assignments for the cell router', () => {
  it('records a new customer where the rule says, once: 201 then 200 with the same placement', async () => {
    const first = await assign({ cell: 'orders', customerId: 'user-alice' });
    expect(first.status).toBe(201);
    const placed = await json(first);
    expect(placed).toMatchObject({ customerId: 'user-alice', cell: 'orders', assigned: true, source: 'rule', state: 'active' });
    const { partitions } = (await json(await readMap())).cells[0];
    expect(placed.partition).toBe(placeByRule('user-alice', partitions));

    const again = await assign({ cell: 'orders', customerId: 'user-alice' });
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(placed);
    const assigned = outboxEvents(t.db).filter((e) => e.type === 'placement.customer.assigned');
    expect(assigned).toHaveLength(1);
    expect(customerAssignedEventSchema.parse(assigned[0].data)).toMatchObject({
      customerId: 'user-alice',
      partition: placed.partition,
      source: 'rule',
      previous: null,
      version: 3,
    });
  });

  it('keeps a customer where they were recorded when partitions change later', async () => {
    const { partition } = await json(await assign({ cell: 'orders', customerId: 'user-bob' }));
    await t.call('PUT', `/cells/placement/partitions/${partition}`, { token: t.admin, body: { state: 'draining' } });
    const again = await assign({ cell: 'orders', customerId: 'user-bob' });
    expect(again.status).toBe(200);
    expect(await json(again)).toMatchObject({ partition, state: 'draining' });
  });

  it.each([
    ['no customer', { cell: 'orders' }, 'customerId'],
    ['a malformed customer id', { cell: 'orders', customerId: 'a b' }, 'customerId'],
    ['a cell that is not partitioned', { cell: 'products', customerId: 'user-alice' }, 'cell'],
    ['an unknown field', { cell: 'orders', customerId: 'user-alice', partition: 'orders-1' }, '(root)'],
  ])('refuses %s with 400 and the field, writing nothing', async (_name, body, path) => {
    const res = await assign(body);
    expect(res.status).toBe(400);
    expect((await json(res)).errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(t.placements.version()).toBe(2);
  });

  it('needs placement:assign: a reader or an operator gets 403', async () => {
    expect((await assign({ cell: 'orders', customerId: 'user-alice' }, t.reader)).status).toBe(403);
    expect((await assign({ cell: 'orders', customerId: 'user-alice' }, t.admin)).status).toBe(403);
    expect(t.placements.version()).toBe(2);
  });
});

describe('placement: the map', () => {
  it('holds the running partitions with their states and every recorded customer, tagged with its version', async () => {
    const aliceByRule = placeByRule('user-alice', [
      { name: 'orders-1', state: 'active' },
      { name: 'orders-2', state: 'active' },
    ]);
    await assign({ cell: 'orders', customerId: 'user-alice' });
    await t.call('PUT', '/cells/placement/user-bob', { token: t.admin, body: { partition: 'orders-2' } });
    await t.call('PUT', '/cells/placement/partitions/orders-1', { token: t.admin, body: { state: 'draining' } });
    const res = await readMap();
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"5"');
    const map = placementMapSchema.parse(await json(res));
    expect(map).toEqual({
      version: 5,
      cells: [
        {
          cell: 'orders',
          partitions: [
            { name: 'orders-1', state: 'draining' },
            { name: 'orders-2', state: 'active' },
          ],
          assignments: { 'user-alice': aliceByRule, 'user-bob': 'orders-2' },
        },
      ],
    });
  });

  it('answers 304 without a body while the router’s copy is current, the new map once anything changes', async () => {
    const first = await readMap();
    const etag = first.headers.get('etag')!;
    const unchanged = await readMap({ 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(await unchanged.text()).toBe('');
    expect((await readMap({ 'if-none-match': `"zzz", W/${etag}` })).status).toBe(304);

    await assign({ cell: 'orders', customerId: 'user-carol' });
    const changed = await readMap({ 'if-none-match': etag });
    expect(changed.status).toBe(200);
    const { version, cells } = await json(changed);
    expect(version).toBeGreaterThan(Number(JSON.parse(etag)));
    expect(cells[0].assignments).toHaveProperty('user-carol');
    expect(changed.headers.get('etag')).toBe(`"${version}"`);
  });

  it('raises the version with every change: assignment, override, state change; not with a repeat', async () => {
    const versions = [t.placements.version()];
    const step = async (method: string, path: string, body: unknown, token = t.admin) => {
      await t.call(method, path, { token, body });
      versions.push((await json(await readMap())).version);
    };
    await step('POST', '/placement/assignments', { cell: 'orders', customerId: 'user-dave' }, t.router);
    await step('PUT', '/cells/placement/user-frank', { partition: 'orders-1' });
    await step('PUT', '/cells/placement/user-erin', { partition: 'orders-2' });
    await step('PUT', '/cells/placement/partitions/orders-2', { state: 'down' });
    await step('PUT', '/cells/placement/partitions/orders-2', { state: 'down' });
    await step('POST', '/placement/assignments', { cell: 'orders', customerId: 'user-dave' }, t.router);
    expect(versions).toEqual([2, 3, 4, 5, 6, 6, 6]);
  });

  it('needs placement:read: a customer’s or an operator’s token gets 403', async () => {
    expect((await readMap({}, t.customer)).status).toBe(403);
    expect((await readMap({}, t.admin)).status).toBe(403);
  });
});
