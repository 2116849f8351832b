import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxEvents, outboxSubjects } from '@retail/data/testing';
import { placeByRule } from '@retail/placement-contract';
import { json } from '@retail/testing';
import { assignments as assignmentTable } from '../db/schema.ts';
import { placementsTestApp, type PlacementsTestApp } from '../../test/test-app.ts';

let t: PlacementsTestApp;
beforeEach(async () => {
  t = await placementsTestApp();
});
afterEach(() => t.close());

const two = [
  { name: 'orders-1', state: 'active' as const },
  { name: 'orders-2', state: 'active' as const },
];
/** A customer the rule gives to `partition` while both partitions are active. */
const customerOn = (partition: string, from = 0) => {
  for (let i = from; ; i++) if (placeByRule(`user-${i}`, two) === partition) return `user-${i}`;
};
const assign = (customerId: string) => t.call('POST', '/placement/assignments', { token: t.router, body: { cell: 'orders', customerId } });
const setState = (partition: string, state: unknown) =>
  t.call('PUT', `/cells/placement/partitions/${partition}`, { token: t.admin, body: { state } });
const override = (customerId: string, partition: unknown) =>
  t.call('PUT', `/cells/placement/${customerId}`, { token: t.admin, body: { partition } });
const overview = async () => json(await t.call('GET', '/cells/placement', { token: t.admin }));
const assignments = () => t.db.select().from(assignmentTable).all();

describe('placement: the operator’s view', () => {
  it('lists every partition of the running system as active, with how many customers each holds', async () => {
    expect(await overview()).toEqual({
      version: 2,
      cells: [
        {
          cell: 'orders',
          key: 'customer',
          partitions: [
            { name: 'orders-1', state: 'active', customers: 0, retired: false },
            { name: 'orders-2', state: 'active', customers: 0, retired: false },
          ],
        },
      ],
    });
    for (const id of [customerOn('orders-1'), customerOn('orders-1', 50), customerOn('orders-2')]) await assign(id);
    const { version, cells } = await overview();
    expect(version).toBe(5);
    expect(cells[0].partitions.map((p: { customers: number }) => p.customers)).toEqual([2, 1]);
  });

  it('answers an unassigned customer with the partition the rule would choose, writing nothing', async () => {
    const id = customerOn('orders-2');
    const res = await t.call('GET', `/cells/placement/${id}`, { token: t.admin });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      customerId: id,
      cell: 'orders',
      partition: 'orders-2',
      state: 'active',
      assigned: false,
      source: null,
      assignedAt: null,
    });
    expect(outboxSubjects(t.db)).toHaveLength(2); // the two partitions joining the map, nothing since
    expect(t.placements.version()).toBe(2);
  });

  it('answers a recorded customer with their partition, how and when they got it', async () => {
    const id = customerOn('orders-1');
    await assign(id);
    const placement = await json(await t.call('GET', `/cells/placement/${id}?cell=orders`, { token: t.admin }));
    expect(placement).toMatchObject({ customerId: id, partition: 'orders-1', assigned: true, source: 'rule' });
    expect(Date.parse(placement.assignedAt)).not.toBeNaN();
  });

  it('refuses a malformed customer id or an unknown cell with 400 and the field', async () => {
    const bad = await t.call('GET', '/cells/placement/..%2Fetc', { token: t.admin });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].path).toBe('customerId');
    const cell = await t.call('GET', '/cells/placement/user-alice?cell=shipping', { token: t.admin });
    expect(cell.status).toBe(400);
    expect((await json(cell)).errors).toEqual([{ path: 'cell', message: expect.stringContaining('orders') }]);
  });

  it('is for operators only: a customer’s token gets 403 on every route, no token 401', async () => {
    for (const [method, path, body] of [
      ['GET', '/cells/placement', undefined],
      ['GET', '/cells/placement/user-alice', undefined],
      ['PUT', '/cells/placement/partitions/orders-1', { state: 'down' }],
      ['PUT', '/cells/placement/user-alice', { partition: 'orders-2' }],
    ] as const) {
      const res = await t.call(method, path, { token: t.customer, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await t.call(method, path, { body })).status).toBe(401);
    }
    expect(t.placements.version()).toBe(2);
  });

  it('refuses a route added later under a prefix nobody listed, without a token: every route is checked', async () => {
    t.app.get('/brand-new-prefix/:id', (c) => c.json({ id: c.req.param('id') }));
    const anonymous = await t.call('GET', '/brand-new-prefix/1');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.call('GET', '/brand-new-prefix/1', { token: t.customer })).status).toBe(200);
    expect((await t.call('GET', '/healthz')).status).toBe(200);
  });
});

describe('placement: partition states', () => {
  it('changes a partition’s state, bumps the version and announces it once', async () => {
    const res = await setState('orders-2', 'draining');
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ cell: 'orders', name: 'orders-2', state: 'draining' });
    expect((await setState('orders-2', 'draining')).status).toBe(200);
    expect(t.placements.version()).toBe(3);
    expect(outboxEvents(t.db).at(-1)).toMatchObject({
      type: 'placement.partition.changed',
      subject: 'orders-2',
      data: { cell: 'orders', partition: 'orders-2', state: 'draining', previous: 'active', version: 3 },
    });
    expect(outboxSubjects(t.db)).toHaveLength(3);
  });

  it('never places a new customer on a draining or down partition; the ones it holds stay', async () => {
    const held = customerOn('orders-1');
    await assign(held);
    await setState('orders-1', 'draining');
    for (let i = 0; i < 100; i++) expect((await json(await assign(`new-${i}`))).partition).toBe('orders-2');
    await setState('orders-1', 'down');
    await setState('orders-2', 'active');
    expect((await json(await assign(customerOn('orders-1', 1000)))).partition).toBe('orders-2');
    const kept = await json(await t.call('GET', `/cells/placement/${held}`, { token: t.admin }));
    expect(kept).toMatchObject({ partition: 'orders-1', state: 'down', assigned: true });
  });

  it('answers 503 when no partition is active, writing nothing', async () => {
    await setState('orders-1', 'down');
    await setState('orders-2', 'draining');
    const before = outboxSubjects(t.db).length;
    const res = await assign('user-newcomer');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json(res)).detail).toMatch(/No partition of the orders cell is active/);
    expect((await t.call('GET', '/cells/placement/user-newcomer', { token: t.admin })).status).toBe(503);
    expect(outboxSubjects(t.db)).toHaveLength(before);
    expect(assignments()).toHaveLength(0);
  });

  it('answers 404 for a partition the system does not run and 400 for a state it does not know', async () => {
    for (const name of ['orders-7', 'shipping-1', 'nonsense']) {
      const res = await setState(name, 'down');
      expect(res.status, name).toBe(404);
      expect((await json(res)).detail).toContain(name);
    }
    const bad = await setState('orders-1', 'sleeping');
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0].path).toBe('state');
    const extra = await t.call('PUT', '/cells/placement/partitions/orders-1', { token: t.admin, body: { state: 'down', why: 'x' } });
    expect(extra.status).toBe(400);
    const malformed = await t.call('PUT', '/cells/placement/partitions/orders-1', { token: t.admin, raw: '{"state":' });
    expect(malformed.status).toBe(400);
    expect(t.placements.version()).toBe(2);
  });
});

describe('placement: overrides', () => {
  it('refuses to override a customer placed elsewhere: their orders are there, only a move takes them along (409)', async () => {
    const id = customerOn('orders-1');
    await assign(id);
    const res = await override(id, 'orders-2');
    expect(res.status).toBe(409);
    expect(await json(res)).toMatchObject({
      type: '/api/problems/customer-placed-elsewhere',
      partition: 'orders-1',
      detail: expect.stringContaining('/cells/migrations'),
    });
    expect(outboxSubjects(t.db)).toHaveLength(3);
    // Where they are already, the override is recorded, and the rule no longer decides for them.
    expect(await json(await override(id, 'orders-1'))).toMatchObject({ partition: 'orders-1', source: 'override' });
    expect(await json(await assign(id))).toMatchObject({ partition: 'orders-1', source: 'override' });
  });

  it('places a customer never seen before, and repeating it changes nothing', async () => {
    expect((await override('user-fresh', 'orders-1')).status).toBe(200);
    expect((await override('user-fresh', 'orders-1')).status).toBe(200);
    expect(outboxEvents(t.db).at(-1).data).toMatchObject({ previous: null, source: 'override' });
    expect(t.placements.version()).toBe(3);
  });

  it('may place a customer on a draining partition (a migration back), never on a down one: 409, nothing written', async () => {
    await setState('orders-2', 'draining');
    expect((await override('user-a', 'orders-2')).status).toBe(200);
    await setState('orders-1', 'down');
    const res = await override('user-a', 'orders-1');
    expect(res.status).toBe(409);
    expect(await json(res)).toMatchObject({ partition: 'orders-1', state: 'down', detail: expect.stringContaining('orders-1') });
    expect((await json(await t.call('GET', '/cells/placement/user-a', { token: t.admin }))).partition).toBe('orders-2');
  });

  it('refuses a partition that does not exist with 404 naming it, writing nothing', async () => {
    const res = await override('user-b', 'orders-7');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(res)).toMatchObject({ partition: 'orders-7', detail: expect.stringContaining('orders-7') });
    expect(assignments()).toHaveLength(0);
    expect(outboxSubjects(t.db)).toHaveLength(2);
  });

  it('refuses bad input with 400 and the field: a malformed partition or customer id, a missing body', async () => {
    const name = await override('user-b', 'orders');
    expect((await json(name)).errors[0].path).toBe('partition');
    const id = await t.call('PUT', '/cells/placement/%20', { token: t.admin, body: { partition: 'orders-1' } });
    expect(id.status).toBe(400);
    expect((await json(id)).errors[0].path).toBe('customerId');
    expect((await t.call('PUT', '/cells/placement/user-b', { token: t.admin, body: {} })).status).toBe(400);
    expect(assignments()).toHaveLength(0);
  });
});
