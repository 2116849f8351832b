import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cells } from '@retail/topology';
import { connectBus, coveringFilter, createEvent, ensureStream, type Bus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { startTestNats, tempDir, type TempDir, type TestNats } from '@retail/testing';
import { consumedByStream, deadLetterSubject, durableName, type CellDescriptor } from '@retail/descriptor';
import {
  composeNatsOptions,
  defaultNatsPassword,
  EDGE_NATS_USER,
  natsConfPath,
  natsPasswordEnv,
  natsPasswordOf,
  natsPasswordVar,
  natsServerConfig,
  natsUser,
  natsUsers,
  SYSTEM_NATS_USER,
  type NatsUserSpec,
} from './nats-auth.ts';

/** NATS subject matching (`*` one token, `>` the rest), to read the generated rules as nats-server does. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
const allowed = (rules: { allow?: string[]; deny?: string[] } | undefined, subject: string) =>
  !rules || ((rules.allow ? rules.allow.some((p) => matches(p, subject)) : true) && !(rules.deny ?? []).some((p) => matches(p, subject)));

const users = natsUsers(cells);
const userOf = (name: string): NatsUserSpec => users.find((u) => u.user === name)!;
const mayPublish = (user: string, subject: string) => allowed(userOf(user).permissions?.publish, subject);
const maySubscribe = (user: string, subject: string) => allowed(userOf(user).permissions?.subscribe, subject);
const subjectsOf = (cell: CellDescriptor) => [
  ...cell.components.flatMap((c) => c.publishes ?? []),
  ...cell.components.map((c) => deadLetterSubject(cell, c.name)),
];
const consumersOf = (cell: CellDescriptor) =>
  cell.components.flatMap((c) =>
    [...consumedByStream(c)].map(([stream, subjects]) => ({
      stream,
      durable: durableName(cell, c.name),
      filter: coveringFilter(subjects),
    })),
  );

describe('the generated permissions', () => {
  it('lets each cell publish its own events and dead letters, and nothing of another cell', () => {
    for (const cell of cells) {
      for (const subject of subjectsOf(cell)) expect(mayPublish(natsUser(cell.name), subject), `${cell.name} → ${subject}`).toBe(true);
      for (const other of cells.filter((c) => c !== cell)) {
        for (const subject of subjectsOf(other)) expect(mayPublish(natsUser(cell.name), subject), `${cell.name} → ${subject}`).toBe(false);
      }
    }
  });

  it('lets each cell manage only its own stream, and never delete or purge it', () => {
    for (const cell of cells) {
      const user = natsUser(cell.name);
      for (const call of ['CREATE', 'UPDATE', 'INFO']) expect(mayPublish(user, `$JS.API.STREAM.${call}.${cell.stream}`)).toBe(true);
      for (const call of ['DELETE', 'PURGE']) expect(mayPublish(user, `$JS.API.STREAM.${call}.${cell.stream}`)).toBe(false);
      for (const other of cells.filter((c) => c !== cell)) {
        for (const call of ['CREATE', 'UPDATE', 'DELETE']) expect(mayPublish(user, `$JS.API.STREAM.${call}.${other.stream}`)).toBe(false);
      }
    }
  });

  it('lets each cell use exactly the durable consumers it declares, on the streams it declares', () => {
    for (const cell of cells) {
      const user = natsUser(cell.name);
      const declared = consumersOf(cell);
      for (const { stream, durable, filter } of declared) {
        expect(mayPublish(user, `$JS.API.CONSUMER.CREATE.${stream}.${durable}.${filter}`)).toBe(true);
        expect(mayPublish(user, `$JS.API.CONSUMER.CREATE.${stream}.${durable}.${stream.toLowerCase()}.>`)).toBe(false); // a wider filter
        expect(mayPublish(user, `$JS.API.CONSUMER.INFO.${stream}.${durable}`)).toBe(true);
        expect(mayPublish(user, `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`)).toBe(true);
        expect(mayPublish(user, `$JS.ACK.${stream}.${durable}.1.7.7.1700000000000000000.0`)).toBe(true);
        expect(mayPublish(user, `$JS.API.CONSUMER.DELETE.${stream}.${durable}`)).toBe(false);
      }
      for (const other of cells.filter((c) => c !== cell)) {
        for (const theirs of consumersOf(other)) {
          expect(mayPublish(user, `$JS.API.CONSUMER.CREATE.${theirs.stream}.${theirs.durable}.${theirs.filter}`)).toBe(false);
          expect(mayPublish(user, `$JS.ACK.${theirs.stream}.${theirs.durable}.1.7.7.1700000000000000000.0`)).toBe(false);
        }
        if (!declared.some((d) => d.stream === other.stream)) {
          const anyDurable = durableName(cell, cell.components[0]!.name);
          expect(mayPublish(user, `$JS.API.CONSUMER.CREATE.${other.stream}.${anyDurable}.${other.name}.>`)).toBe(false);
        }
      }
    }
  });

  it('lets cells receive only on inboxes: no core subscription around JetStream to anyone’s events', () => {
    for (const cell of cells) {
      expect(maySubscribe(natsUser(cell.name), '_INBOX.abc.1')).toBe(true);
      for (const other of cells) expect(maySubscribe(natsUser(cell.name), `${other.name}.x.y`)).toBe(false);
    }
  });

  it('gives the edge user every cell’s events to read and nothing to publish; the system user everything', () => {
    for (const cell of cells) {
      expect(maySubscribe(EDGE_NATS_USER, subjectsOf(cell)[0]!)).toBe(true);
      expect(mayPublish(EDGE_NATS_USER, subjectsOf(cell)[0]!)).toBe(false);
    }
    expect(mayPublish(EDGE_NATS_USER, '$JS.API.INFO')).toBe(false);
    expect(userOf(SYSTEM_NATS_USER).permissions).toBeUndefined();
  });

  it('names every user’s password by its environment variable and writes no password down', () => {
    const text = natsServerConfig({ cells, ...composeNatsOptions });
    for (const { user } of users) {
      expect(text).toContain(`user: "${user}"\n      password: $${natsPasswordVar(user)}\n`);
      expect(text).not.toContain(natsPasswordOf(user, {}));
    }
    expect(text).toContain('port: 4222');
    expect(text).toContain('http_port: 8222');
  });

  it('takes passwords from NATS_PASSWORD_<USER>, and refuses one nats-server would misread', () => {
    const env = natsPasswordEnv(cells, { NATS_PASSWORD_ORDERS: 'Kq7.x_9-z' });
    expect(env.NATS_PASSWORD_ORDERS).toBe('Kq7.x_9-z');
    expect(env.NATS_PASSWORD_SYSTEM).toBe('system-nats-dev');
    expect(Object.keys(env).sort()).toEqual(users.map((u) => natsPasswordVar(u.user)).sort());
    for (const bad of ['1e5', 'yes', 'Off', 'two words', 'a,b', 'a}b', '$HOME']) {
      expect(() => natsPasswordEnv(cells, { NATS_PASSWORD_EDGE: bad }), bad).toThrow(
        /NATS_PASSWORD_EDGE: a NATS password must be a plain word/,
      );
    }
  });

  it('compose/nats/nats.conf is what the descriptors generate now (run `npm run generate:nats`)', () => {
    expect(readFileSync(natsConfPath, 'utf8')).toBe(natsServerConfig({ cells, ...composeNatsOptions }));
  });
});

describe('a real nats-server with the generated config', () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  // The orders password is set, as a deployment would; the others keep their development defaults.
  const passwords = natsPasswordEnv(cells, { NATS_PASSWORD_ORDERS: 'orders.Rotated-2' });
  let dir: TempDir;
  let nats: TestNats;
  const buses: Bus[] = [];
  const as = async (user: string) => {
    const bus = await connectBus({ url: nats.url, name: `test-${user}`, user, pass: natsPasswordOf(user, passwords), logger });
    buses.push(bus);
    return bus;
  };
  /** The asynchronous -ERR a core publish earns when it is refused. */
  const nextPermissionError = async (nc: NatsConnection) => {
    for await (const status of nc.status())
      if (status.type === 'error' && /permissions violation/i.test(String(status.error))) return String(status.error);
    return 'closed';
  };

  beforeAll(async () => {
    dir = tempDir('retail-nats-auth-');
    const configFile = join(dir.path, 'nats.conf');
    writeFileSync(configFile, natsServerConfig({ cells }));
    nats = await startTestNats({ configFile, env: passwords });
  });
  afterAll(async () => {
    for (const bus of buses) await bus.close();
    await nats?.dispose();
    dir?.remove();
  });

  it('lets a cell create its stream and publish its own events, and refuses another cell’s subjects', async () => {
    const orders = await as('orders');
    await ensureStream(orders.jsm, { name: 'ORDERS', subjects: ['orders.>'] });
    const system = await as(SYSTEM_NATS_USER);
    await ensureStream(system.jsm, { name: 'INVENTORY', subjects: ['inventory.>'] });

    const event = createEvent({ source: '/test', type: 'orders.order.placed', subject: 'o-1', data: {} });
    expect((await orders.js.publish('orders.order.placed', JSON.stringify(event), { msgID: event.id })).stream).toBe('ORDERS');

    // A forged reservation from the orders cell: refused, and nothing reaches the inventory stream.
    const forged = createEvent({ source: '/orders', type: 'inventory.reservation.confirmed', subject: 'o-1', data: {} });
    await expect(orders.js.publish('inventory.reservation.confirmed', JSON.stringify(forged))).rejects.toThrow(
      /Permissions Violation for Publish to "inventory.reservation.confirmed"/,
    );
    const refused = nextPermissionError(orders.nc);
    orders.nc.publish('inventory.reservation.confirmed', JSON.stringify(forged));
    expect(await refused).toMatch(/inventory.reservation.confirmed/);
    await expect(orders.jsm.streams.add({ name: 'SHADOW', subjects: ['shadow.>'] })).rejects.toThrow(/Permissions Violation/);
    await expect(orders.jsm.streams.delete('INVENTORY')).rejects.toThrow(/Permissions Violation/);
    expect((await system.jsm.streams.info('INVENTORY')).state.messages).toBe(0);
  });

  it('lets a cell create, read from and ack only the durable consumers it declares', async () => {
    const products = await as('products');
    await ensureStream(products.jsm, { name: 'PRODUCTS', subjects: ['products.>'] });
    const event = createEvent({ source: '/test', type: 'products.product.created', subject: 'SKU-1', data: {} });
    await products.js.publish('products.product.created', JSON.stringify(event), { msgID: event.id });

    const inventory = await as('inventory');
    const stock = { durable_name: 'inventory-stock', ack_policy: AckPolicy.Explicit, filter_subject: 'products.product.created' };
    await inventory.jsm.consumers.add('PRODUCTS', stock);
    const msg = await (await inventory.js.consumers.get('PRODUCTS', 'inventory-stock')).next({ expires: 5_000 });
    expect(msg?.subject).toBe('products.product.created');
    expect(await msg!.ackAck()).toBe(true);

    await expect(inventory.jsm.consumers.add('PRODUCTS', { ...stock, durable_name: 'inventory-spy' })).rejects.toThrow(
      /Permissions Violation/,
    );
    await expect(inventory.jsm.consumers.add('PRODUCTS', { ...stock, filter_subject: 'products.>' })).rejects.toThrow(
      /Permissions Violation/,
    );
    await expect(
      inventory.jsm.consumers.add('PRODUCTS', { ...stock, durable_name: 'products-browse', filter_subject: 'products.product.*' }),
    ).rejects.toThrow(/Permissions Violation/);
    const shipping = await as('shipping');
    await expect(shipping.jsm.consumers.add('PRODUCTS', { ...stock, durable_name: 'shipping-fulfillment' })).rejects.toThrow(
      /Permissions Violation/,
    );
  });

  it('lets the edge user watch every cell’s events and publish nothing', async () => {
    const edge = await connect({ servers: nats.url, user: EDGE_NATS_USER, pass: natsPasswordOf(EDGE_NATS_USER, passwords) });
    try {
      const feed = edge.subscribe('orders.>', { max: 1 });
      await edge.flush();
      const orders = await as('orders');
      const event = createEvent({ source: '/test', type: 'orders.order.confirmed', subject: 'o-2', data: {} });
      await orders.js.publish('orders.order.confirmed', JSON.stringify(event), { msgID: event.id });
      for await (const m of feed) expect(m.subject).toBe('orders.order.confirmed');

      const refused = nextPermissionError(edge);
      edge.publish('orders.order.cancelled', '{}');
      expect(await refused).toMatch(/orders.order.cancelled/);
    } finally {
      await edge.close();
    }
  });

  it('refuses a connection without the cell’s current password', async () => {
    await expect(
      connect({ servers: nats.url, user: 'orders', pass: defaultNatsPassword('orders'), maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/Authorization Violation/i);
    await expect(
      connect({ servers: nats.url, user: 'orders', pass: natsPasswordOf('products', passwords), maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/Authorization Violation/i);
    await expect(connect({ servers: nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
  });
});
