import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { systemCells } from '@retail/topology';
import { connectBus, connectCellBus, createEvent, declaredDurables, provisionStreams, startConsumer, type Bus } from '@retail/events';
import { createLogger, type Logger } from '@retail/kernel';
import { startTestNats, tempDir, waitFor, type TempDir, type TestNats } from '@retail/testing';
import { addressed, deadLetterSubject, instanceName, ownSubjects, streamLimits, type CellDescriptor } from '@retail/descriptor';
import {
  composeNatsClusterConfig,
  composeNatsOptions,
  natsClusterConfPath,
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

// The running system: orders-1 and orders-2 are cells of their own here.
const cells = systemCells({});
const users = natsUsers(cells);
const userOf = (name: string): NatsUserSpec => users.find((u) => u.user === name)!;
const mayPublish = (user: string, subject: string) => allowed(userOf(user).permissions?.publish, subject);
const maySubscribe = (user: string, subject: string) => allowed(userOf(user).permissions?.subscribe, subject);
/** What a running cell publishes, as on the wire: a partition's own events, a global cell's answers addressed to orders-1. */
const subjectsOf = (cell: CellDescriptor) => [
  ...cell.components.flatMap((c) =>
    (c.publishes ?? []).map((s) =>
      cell.partition ? addressed(s, cell.partition) : c.addressed?.includes(s) ? addressed(s, 'orders-1') : s,
    ),
  ),
  ...cell.components.map((c) => deadLetterSubject(cell, c.name)),
];

describe('the generated permissions', () => {
  it('lets each cell publish its own events and dead letters, and nothing of another cell', () => {
    for (const cell of cells) {
      for (const subject of subjectsOf(cell))
        expect(mayPublish(natsUser(instanceName(cell)), subject), `${cell.name} → ${subject}`).toBe(true);
      for (const other of cells.filter((c) => c !== cell)) {
        for (const subject of subjectsOf(other))
          expect(mayPublish(natsUser(instanceName(cell)), subject), `${cell.name} → ${subject}`).toBe(false);
      }
    }
  });

  it('lets each cell read its own stream, and create, change, delete or purge no stream', () => {
    for (const cell of cells) {
      const user = natsUser(instanceName(cell));
      expect(mayPublish(user, `$JS.API.STREAM.INFO.${cell.stream}`)).toBe(true);
      for (const stream of cells.map((c) => c.stream)) {
        for (const call of ['CREATE', 'UPDATE', 'DELETE', 'PURGE'])
          expect(mayPublish(user, `$JS.API.STREAM.${call}.${stream}`)).toBe(false);
      }
    }
  });

  it('lets each cell use exactly the durable consumers it declares, and create or change none', () => {
    for (const cell of cells) {
      const user = natsUser(instanceName(cell));
      const declared = declaredDurables(cell, cells);
      for (const { stream, durable, filter } of declared) {
        expect(mayPublish(user, `$JS.API.CONSUMER.INFO.${stream}.${durable}`)).toBe(true);
        expect(mayPublish(user, `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`)).toBe(true);
        expect(mayPublish(user, `$JS.ACK.${stream}.${durable}.1.7.7.1700000000000000000.0`)).toBe(true);
        // Creating and updating share one subject; a push deliver_subject would be in the request body.
        expect(mayPublish(user, `$JS.API.CONSUMER.CREATE.${stream}.${durable}.${filter}`)).toBe(false);
        expect(mayPublish(user, `$JS.API.CONSUMER.CREATE.${stream}.${durable}`)).toBe(false);
        expect(mayPublish(user, `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`)).toBe(false);
        expect(mayPublish(user, `$JS.API.CONSUMER.DELETE.${stream}.${durable}`)).toBe(false);
      }
      for (const other of cells.filter((c) => c !== cell)) {
        for (const theirs of declaredDurables(other, cells)) {
          expect(mayPublish(user, `$JS.API.CONSUMER.MSG.NEXT.${theirs.stream}.${theirs.durable}`)).toBe(false);
          expect(mayPublish(user, `$JS.ACK.${theirs.stream}.${theirs.durable}.1.7.7.1700000000000000000.0`)).toBe(false);
        }
      }
    }
  });

  it('lets cells receive only on their own inboxes: not the shared _INBOX, not another cell’s, no events', () => {
    for (const cell of cells) {
      const user = natsUser(instanceName(cell));
      expect(maySubscribe(user, `_INBOX_${instanceName(cell)}.abc.1`)).toBe(true);
      expect(maySubscribe(user, '_INBOX.abc.1')).toBe(false);
      for (const other of cells.filter((c) => c !== cell)) expect(maySubscribe(user, `_INBOX_${instanceName(other)}.abc.1`)).toBe(false);
      for (const other of cells) expect(maySubscribe(user, `${other.name}.x.y`)).toBe(false);
    }
  });

  it('gives the edge user every cell’s events to read and no event to publish, its own registry entries only; the system user everything', () => {
    for (const cell of cells) {
      expect(maySubscribe(EDGE_NATS_USER, subjectsOf(cell)[0]!)).toBe(true);
      expect(mayPublish(EDGE_NATS_USER, subjectsOf(cell)[0]!)).toBe(false);
      expect(mayPublish(EDGE_NATS_USER, `$KV.registry.${instanceName(cell)}.gateway.p1-ab`)).toBe(false);
    }
    expect(mayPublish(EDGE_NATS_USER, '$KV.registry.edge.gateway-global.p1-ab')).toBe(true);
    expect(mayPublish(EDGE_NATS_USER, '$KV.config.system.LOG_LEVEL')).toBe(false);
    expect(maySubscribe(EDGE_NATS_USER, '$KV.config.system.LOG_LEVEL')).toBe(true);
    expect(maySubscribe(EDGE_NATS_USER, '_INBOX.abc.1')).toBe(false);
    expect(userOf(SYSTEM_NATS_USER).permissions).toBeUndefined();
  });

  it('lets a cell register only its own instances, read the registry and the configuration, and change no configuration', () => {
    for (const cell of cells) {
      const user = natsUser(instanceName(cell));
      expect(mayPublish(user, `$KV.registry.${instanceName(cell)}.checkout.p1-ab`)).toBe(true);
      for (const other of cells.filter((c) => c !== cell))
        expect(mayPublish(user, `$KV.registry.${instanceName(other)}.gateway.p1-ab`), `${user} posing as ${instanceName(other)}`).toBe(
          false,
        );
      expect(mayPublish(user, '$KV.registry.edge.gateway-global.p1-ab')).toBe(false);
      expect(mayPublish(user, '$KV.config.system.LOG_LEVEL')).toBe(false);
      expect(maySubscribe(user, '$KV.registry.products.gateway.p1-ab')).toBe(true);
      expect(maySubscribe(user, '$KV.config.orders.checkout.BREAKER_FAILURES')).toBe(true);
      expect(mayPublish(user, '$JS.API.DIRECT.GET.KV_config.$KV.config.system.LOG_LEVEL')).toBe(true);
      expect(mayPublish(user, '$JS.API.CONSUMER.CREATE.KV_config')).toBe(false);
    }
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
    const env = natsPasswordEnv(cells, { NATS_PASSWORD_ORDERS_2: 'Kq7.x_9-z' });
    expect(env.NATS_PASSWORD_ORDERS_2).toBe('Kq7.x_9-z');
    expect(env.NATS_PASSWORD_ORDERS_1).toBe('orders-1-nats-dev');
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

  it('compose/nats/nats-cluster.conf is the same users with a cluster block (run `npm run generate:nats`)', () => {
    const text = readFileSync(natsClusterConfPath, 'utf8');
    expect(text).toBe(composeNatsClusterConfig(cells));
    expect(text.replace(/cluster \{[\s\S]*?\n\}\n/, '')).toBe(readFileSync(natsConfPath, 'utf8'));
    expect(text).toMatch(
      /cluster \{\n {2}name: "retail"\n {2}listen: "0.0.0.0:6222"\n {2}authorization \{ user: "route", password: \$NATS_ROUTE_PASSWORD \}\n {2}include "secrets\/routes.conf"\n\}/,
    );
  });
});

describe('a real nats-server with the generated config', () => {
  const silent = createLogger({ name: 'test', level: 'silent' });
  // orders-1's password is set, as a deployment would; the others keep their development defaults.
  const passwords = natsPasswordEnv(cells, { NATS_PASSWORD_ORDERS_1: 'orders.Rotated-2' });
  let dir: TempDir;
  let nats: TestNats;
  let system: Bus;
  const buses: Bus[] = [];
  const as = async (user: string) => {
    const bus = await connectBus({ url: nats.url, name: `test-${user}`, user, pass: natsPasswordOf(user, passwords), logger: silent });
    buses.push(bus);
    return bus;
  };
  const provision = () =>
    provisionStreams({ servers: nats.url, user: SYSTEM_NATS_USER, pass: natsPasswordOf(SYSTEM_NATS_USER, passwords), cells });
  const publishAs = async (bus: Bus, subject: string) => {
    const event = createEvent({ source: '/test', type: subject, subject: 'x', data: {} });
    return bus.js.publish(subject, JSON.stringify(event), { msgID: event.id });
  };
  const messagesIn = async (stream: string) => (await system.jsm.streams.info(stream)).state.messages;
  /** The asynchronous -ERR a core publish or subscription earns when it is refused. */
  const nextPermissionError = async (nc: NatsConnection) => {
    for await (const status of nc.status())
      if (status.type === 'error' && /permissions violation/i.test(String(status.error))) return String(status.error);
    return 'closed';
  };
  /** A silent logger that keeps what is logged as errors (its children too). */
  const errorLog = () => {
    const errors: string[] = [];
    const logger = createLogger({ name: 'test', level: 'silent' });
    logger.error = ((...args: unknown[]) => void errors.push(String(args.at(-1)))) as never;
    logger.child = (() => logger) as never;
    return { logger: logger as Logger, errors };
  };

  beforeAll(async () => {
    dir = tempDir('retail-nats-auth-');
    const configFile = join(dir.path, 'nats.conf');
    writeFileSync(configFile, natsServerConfig({ cells }));
    nats = await startTestNats({ configFile, env: passwords });
    await provision();
    system = await as(SYSTEM_NATS_USER);
  });
  afterAll(async () => {
    for (const bus of buses) await bus.close();
    await nats?.dispose();
    dir?.remove();
  });

  it('provisions every cell’s stream and declared durable as the system user, and puts back what drifted', async () => {
    for (const cell of cells) {
      const { config } = await system.jsm.streams.info(cell.stream);
      expect(config.subjects).toEqual([ownSubjects(cell)]);
      expect(config.max_age).toBe(nanos(streamLimits(cell).maxAgeMs));
      for (const { stream, durable, filter } of declaredDurables(cell, cells)) {
        const consumer = await system.jsm.consumers.info(stream, durable);
        expect(consumer.config).toMatchObject({ filter_subject: filter, ack_policy: AckPolicy.Explicit });
        expect(consumer.config.deliver_subject).toBeUndefined();
      }
    }
    await system.jsm.streams.update('ORDERS_1', { max_bytes: 1024 * 1024 });
    await system.jsm.consumers.update('ORDERS_1', 'inventory-allocation', { filter_subject: 'orders.>' });
    await provision();
    expect((await system.jsm.streams.info('ORDERS_1')).config.max_bytes).toBe(
      streamLimits(cells.find((c) => c.stream === 'ORDERS_1')!).maxBytes,
    );
    expect((await system.jsm.consumers.info('ORDERS_1', 'inventory-allocation')).config.filter_subject).toBe('orders.orders-1.order.*');
    expect((await system.jsm.consumers.info('ORDERS_2', 'inventory-allocation')).config.filter_subject).toBe('orders.orders-2.order.*');
  });

  it('lets a partition publish its own events on its provisioned stream, and refuses another cell’s or partition’s subjects', async () => {
    const orders1 = cells.find((c) => c.partition === 'orders-1')!;
    const orders = await connectCellBus({
      cell: orders1,
      component: 'orders',
      env: { NATS_URL: nats.url, NATS_USER: 'orders-1', NATS_PASS: natsPasswordOf('orders-1', passwords) },
      logger: silent,
    });
    buses.push(orders);
    expect((await publishAs(orders, 'orders.orders-1.order.placed')).stream).toBe('ORDERS_1');

    // A forged placement from partition orders-1 about an order of orders-2: refused, nothing reaches ORDERS_2.
    const theirs = await messagesIn('ORDERS_2');
    await expect(publishAs(orders, 'orders.orders-2.order.placed')).rejects.toThrow(
      /Permissions Violation for Publish to "orders.orders-2.order.placed"/,
    );
    expect(await messagesIn('ORDERS_2')).toBe(theirs);
    // With orders-2's credentials, a process of orders-1 does not even start.
    await expect(
      connectCellBus({
        cell: orders1,
        component: 'orders',
        env: { NATS_URL: nats.url, NATS_USER: 'orders-2', NATS_PASS: natsPasswordOf('orders-2', passwords) },
        logger: silent,
      }),
    ).rejects.toThrow(
      'partition orders-1 was given the NATS credentials of orders-2: each partition connects as its own user (NATS_USER=orders-1)',
    );

    // A forged reservation from the orders cell: refused, and nothing reaches the inventory stream.
    const before = await messagesIn('INVENTORY');
    await expect(publishAs(orders, 'inventory.orders-1.reservation.confirmed')).rejects.toThrow(
      /Permissions Violation for Publish to "inventory.orders-1.reservation.confirmed"/,
    );
    const refused = nextPermissionError(orders.nc);
    orders.nc.publish('inventory.orders-1.reservation.confirmed', '{}');
    expect(await refused).toMatch(/inventory.orders-1.reservation.confirmed/);
    await expect(orders.jsm.streams.add({ name: 'SHADOW', subjects: ['shadow.>'] })).rejects.toThrow(/Permissions Violation/);
    await expect(orders.jsm.streams.delete('INVENTORY')).rejects.toThrow(/Permissions Violation/);
    expect(await messagesIn('INVENTORY')).toBe(before);
  });

  it('refuses a cell changing its own stream to reach other cells: republish, sources, subjects', async () => {
    const products = await as('products');
    const before = (await system.jsm.streams.info('PRODUCTS')).config;
    const attempts = [
      { republish: { src: 'products.>', dest: 'inventory.>' } },
      { sources: [{ name: 'INVENTORY' }] },
      { subjects: ['products.>', '_INBOX_inventory.>'] },
    ];
    for (const change of attempts)
      await expect(products.jsm.streams.update('PRODUCTS', change as never), JSON.stringify(change)).rejects.toThrow(
        /Permissions Violation for Publish to "\$JS.API.STREAM.UPDATE.PRODUCTS"/,
      );
    await expect(products.jsm.streams.add({ ...before, republish: { src: 'products.>', dest: 'inventory.>' } })).rejects.toThrow(
      /Permissions Violation for Publish to "\$JS.API.STREAM.CREATE.PRODUCTS"/,
    );
    expect((await system.jsm.streams.info('PRODUCTS')).config).toEqual(before);
  });

  it('refuses a cell turning its durable into a push consumer that delivers into another cell’s subjects', async () => {
    const products = await as('products');
    const browse = declaredDurables(cells.find((c) => c.name === 'products')!, cells).find((d) => d.stream === 'PRODUCTS')!;
    const push = {
      durable_name: browse.durable,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      filter_subject: browse.filter,
      deliver_subject: 'orders.orders-1.order.placed',
    };
    await expect(products.jsm.consumers.add('PRODUCTS', push)).rejects.toThrow(/Permissions Violation/);
    await expect(products.jsm.consumers.add('PRODUCTS', { ...push, durable_name: 'products-push' })).rejects.toThrow(
      /Permissions Violation/,
    );
    await expect(products.jsm.consumers.update('PRODUCTS', browse.durable, { max_deliver: 1 })).rejects.toThrow(/Permissions Violation/);
    expect((await system.jsm.consumers.info('PRODUCTS', browse.durable)).config.deliver_subject).toBeUndefined();
  });

  it('lets a cell pull from and ack its declared durable, through its own inbox, and no other durable', async () => {
    const products = await as('products');
    await publishAs(products, 'products.product.created');
    const inventory = await as('inventory');
    const msg = await (await inventory.js.consumers.get('PRODUCTS', 'inventory-stock')).next({ expires: 5_000 });
    expect(msg?.subject).toBe('products.product.created');
    expect(await msg!.ackAck()).toBe(true);
    await expect(inventory.js.consumers.get('PRODUCTS', 'products-browse')).rejects.toThrow(/Permissions Violation/);
    const shipping = await as('shipping');
    await expect(shipping.js.consumers.get('PRODUCTS', 'inventory-stock')).rejects.toThrow(/Permissions Violation/);
  });

  it('keeps replies to their user: another cell cannot listen on the shared _INBOX or on the puller’s inboxes', async () => {
    const spy = await connect({ servers: nats.url, user: 'products', pass: natsPasswordOf('products', passwords) });
    try {
      const seen: string[] = [];
      for (const subject of ['_INBOX.>', '_INBOX_inventory.>']) {
        const refused = nextPermissionError(spy);
        spy.subscribe(subject, { callback: (error, m) => void (error || seen.push(m.subject)) });
        expect(await refused).toMatch(new RegExp(`Permissions Violation for Subscription to "${subject.replace(/[.>]/g, '\\$&')}"`));
      }
      // inventory pulls a product while products listens: the server delivers it to _INBOX_inventory.
      await publishAs(await as('products'), 'products.product.created');
      const inventory = await as('inventory');
      const msg = await (await inventory.js.consumers.get('PRODUCTS', 'inventory-stock')).next({ expires: 5_000 });
      expect(msg?.subject).toBe('products.product.created');
      msg!.ack();
      await spy.flush();
      expect(seen).toEqual([]);
    } finally {
      await spy.close();
    }
  });

  it('tells a service clearly when its stream or durable is not what it declares, which it may not change', async () => {
    const products = cells.find((c) => c.name === 'products')!;
    const env = { NATS_URL: nats.url, NATS_USER: 'products', NATS_PASS: natsPasswordOf('products', passwords) };
    await system.jsm.streams.update('PRODUCTS', { max_bytes: 1024 * 1024 });
    const streamLog = errorLog();
    buses.push(await connectCellBus({ cell: products, component: 'catalog', env, logger: streamLog.logger }));
    expect(streamLog.errors.join('\n')).toMatch(/stream PRODUCTS differs from the descriptor .* NATS user products may not change it/);

    const browse = declaredDurables(products, cells).find((d) => d.stream === 'INVENTORY')!;
    await system.jsm.consumers.update('INVENTORY', browse.durable, { filter_subject: 'inventory.>' });
    const consumerLog = errorLog();
    const bus = await as('products');
    const consumer = startConsumer({
      bus,
      stream: 'INVENTORY',
      durable: browse.durable,
      handlers: { [browse.filter]: { schema: {} as never, apply: async () => {} } },
      deadLetterSubject: 'products.dlq.browse',
      logger: consumerLog.logger,
    });
    await waitFor(() => consumerLog.errors.length > 0 || undefined, { what: 'the consumer’s error' });
    await consumer.stop();
    expect(consumerLog.errors[0]).toMatch(
      /durable products-browse on INVENTORY is missing or differs from the descriptor .* may not create or change it: provision/,
    );

    const shipping = cells.find((c) => c.name === 'shipping')!;
    await system.jsm.streams.delete('SHIPPING');
    const shippingEnv = { ...env, NATS_USER: 'shipping', NATS_PASS: natsPasswordOf('shipping', passwords) };
    await expect(connectCellBus({ cell: shipping, component: 'shipments', env: shippingEnv, logger: silent })).rejects.toThrow(
      /stream SHIPPING does not exist and NATS user shipping may not create it: provision the bus/,
    );
    await provision();
  });

  it('lets the edge user watch every cell’s events and publish nothing', async () => {
    const edge = await connect({ servers: nats.url, user: EDGE_NATS_USER, pass: natsPasswordOf(EDGE_NATS_USER, passwords) });
    try {
      const feed = edge.subscribe('orders.>', { max: 1 });
      await edge.flush();
      await publishAs(await as('orders-2'), 'orders.orders-2.order.confirmed');
      for await (const m of feed) expect(m.subject).toBe('orders.orders-2.order.confirmed');

      const refused = nextPermissionError(edge);
      edge.publish('orders.orders-2.order.cancelled', '{}');
      expect(await refused).toMatch(/orders.orders-2.order.cancelled/);
    } finally {
      await edge.close();
    }
  });

  it('refuses a connection without the cell’s current password', async () => {
    await expect(
      connect({ servers: nats.url, user: 'orders-1', pass: defaultNatsPassword('orders-1'), maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/Authorization Violation/i);
    await expect(
      connect({ servers: nats.url, user: 'orders-1', pass: natsPasswordOf('orders-2', passwords), maxReconnectAttempts: 0 }),
    ).rejects.toThrow(/Authorization Violation/i);
    await expect(connect({ servers: nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
  });
});
