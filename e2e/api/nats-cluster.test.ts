import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@retail/testing';
import type { ApiResponse, Schemas } from '../src/client.ts';
import { startShopSystem } from '../src/retail.ts';

/**
 * The bus as a 3-node JetStream cluster (NATS_NODES=3): every stream on all three nodes, so that the
 * saga goes on while one node is killed, and while the node leading a stream is killed.
 */
const { system, s } = await startShopSystem({ natsNodes: 3 });
const cluster = system.natsCluster!;
let nc: NatsConnection;
let jsm: JetStreamManager;
beforeAll(async () => {
  nc = await connect({
    servers: system.nats.url.split(','),
    ...system.natsCredentials('system'),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 200,
  });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await system.stop();
});

const node = (name: string) => cluster.nodes.find((n) => n.name === name)!;
const streamNames = async () => {
  const names: string[] = [];
  for await (const info of jsm.streams.list()) names.push(info.config.name);
  return names;
};

describe('NATS as a 3-node JetStream cluster', () => {
  it('keeps every cell stream and platform bucket on all three nodes', async () => {
    const names = await streamNames();
    expect(names).toEqual(
      expect.arrayContaining(['PRODUCTS', 'ORDERS_1', 'ORDERS_2', 'INVENTORY', 'SHIPPING', 'PLACEMENT', 'KV_registry', 'KV_config']),
    );
    for (const name of names) {
      const info = await jsm.streams.info(name);
      expect(info.config.num_replicas, name).toBe(3);
      expect([info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)].sort(), name).toEqual(['n1', 'n2', 'n3']);
    }
  });

  it('a burst of orders while one node is killed and restarted, then the stream leader’s node killed: every order settles once', async () => {
    const sku = await s.productWithStock('CLUSTER', 60);
    const stalls: string[] = [];
    const steps: Record<number, () => Promise<void>> = {
      // kill -9 of a node that is not the leader of the inventory stream, and its restart 3 s later
      15: async () => {
        const leader = (await jsm.streams.info('INVENTORY')).cluster!.leader!;
        const victim = cluster.nodes.find((n) => n.name !== leader)!;
        stalls.push(`killed ${victim.name}`);
        await victim.process.kill();
        setTimeout(() => void victim.start(), 3_000);
      },
      // then the node that leads the inventory stream (every order's reservation goes through it)
      60: async () => {
        await waitFor(async () => (await jsm.streams.info('INVENTORY')).cluster?.replicas?.every((r) => r.current), {
          timeoutMs: 30_000,
          what: 'the restarted node to catch up',
        });
        const leader = (await jsm.streams.info('INVENTORY')).cluster!.leader!;
        stalls.push(`killed leader ${leader}`);
        await node(leader).process.kill();
      },
    };
    const placed: Promise<ApiResponse<Schemas['Order']>>[] = [];
    for (let i = 0; i < 90; i++) {
      placed.push(s.placeOrder(i % 2 ? s.alice : s.bob, [{ sku, quantity: 1 }]));
      await steps[i]?.();
      await new Promise((r) => setTimeout(r, 40));
    }
    const answers = await Promise.all(placed);
    expect(answers.map((r) => r.status).filter((status) => status !== 201)).toEqual([]);
    const ids = answers.map((r, i) => [i % 2 ? s.alice : s.bob, r.body.id] as const);

    const orders = await waitFor(
      async () => {
        const now = await Promise.all(ids.map(([token, id]) => s.order(token, id)));
        return now.every((o) => o.status === 'CONFIRMED' || o.status === 'REJECTED') ? now : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'every order of the burst to settle' },
    );
    // None lost, none applied twice: exactly the stock's 60 confirmed, each order reserved once.
    expect(orders.filter((o) => o.status === 'CONFIRMED')).toHaveLength(60);
    expect(orders.filter((o) => o.status === 'REJECTED')).toHaveLength(30);
    expect(await s.stockOf(sku)).toMatchObject({ onHand: 60, reserved: 60, available: 0 });
    for (const order of orders)
      expect(
        order.history.filter((h) => h.status === order.status),
        order.id,
      ).toHaveLength(1);

    // No consumer stuck: every durable of every stream has delivered and had acknowledged all it holds.
    await waitFor(
      async () => {
        for (const stream of await streamNames())
          for await (const consumer of jsm.consumers.list(stream))
            if (consumer.num_pending > 0 || consumer.num_ack_pending > 0) return false;
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'every consumer to drain' },
    );
    // The longest an order waited from placed to its end state, by the order's own history.
    // The killed leader's node comes back and catches up with what the other two took meanwhile.
    await node(stalls.at(-1)!.split(' ').at(-1)!).start();
    await waitFor(
      async () => {
        for (const stream of await streamNames())
          if (!(await jsm.streams.info(stream)).cluster?.replicas?.every((r) => r.current)) return false;
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the restarted leader to catch up on every stream' },
    );
    const waited = orders.map((o) => Date.parse(o.history.at(-1)!.at) - Date.parse(o.history[0]!.at));
    console.log(
      `NATS cluster: ${stalls.join(', ')}; longest placed → end state ${Math.max(...waited)} ms (p50 ${waited.sort((a, b) => a - b)[45]} ms)`,
    );
  }, 240_000);
});
