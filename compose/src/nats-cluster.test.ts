import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { provisionStreams } from '@retail/events';
import {
  freePort,
  startTestNats,
  startTestNatsCluster,
  tempDir,
  waitFor,
  type TestNats,
  type TestNatsCluster,
  type TestNatsNode,
} from '@retail/testing';
import { systemCells } from '@retail/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsPasswordEnv, natsPasswordOf, natsUser, SYSTEM_NATS_USER } from './nats-auth.ts';
import { NATS_CLUSTER_NAME, NATS_ROUTE_PASSWORD_VAR, natsNodes, natsReplicas } from './nats-cluster.ts';
import { writeLocalClusterNode } from './nats-server.ts';

describe('NATS_NODES', () => {
  it('is one node unless set, and a cluster of an odd size when set', () => {
    expect(natsNodes({})).toBe(1);
    expect(natsNodes({ NATS_NODES: '3' })).toBe(3);
    expect(natsReplicas(natsNodes({ NATS_NODES: '5' }))).toBe(3);
    expect(natsReplicas(1)).toBe(1);
  });

  it('refuses a size without a majority after a loss, or no number', () => {
    expect(() => natsNodes({ NATS_NODES: '2' })).toThrow(/NATS_NODES=2: the bus runs on 1, 3 or 5/);
    expect(() => natsNodes({ NATS_NODES: 'three' })).toThrow(/NATS_NODES=three/);
  });
});

describe('a 3-node cluster with the users of the descriptors', () => {
  const cells = systemCells({});
  const passwords = natsPasswordEnv(cells, {});
  const routePassword = 'routeword';
  const dir = tempDir('retail-nats-cluster-');
  /** A node's files in a folder of its own: `cluster` and `password` changed for the nodes that must be refused. */
  const configOf = (node: TestNatsNode, all: readonly TestNatsNode[], changes: { cluster?: string; password?: string } = {}) =>
    writeLocalClusterNode(dir.path, node, all, {
      cells,
      routePassword: changes.password ?? routePassword,
      edit: (config) => (changes.cluster ? config.replace(`name: "${NATS_CLUSTER_NAME}"`, `name: "${changes.cluster}"`) : config),
    });
  const env = { ...passwords, [NATS_ROUTE_PASSWORD_VAR]: routePassword };
  let cluster: TestNatsCluster;
  const strangers: TestNats[] = [];
  beforeAll(async () => {
    cluster = await startTestNatsCluster({ nodes: 3, env, configFile: (node, all) => configOf(node, all) });
  }, 60_000);
  afterAll(async () => {
    for (const stranger of strangers) await stranger.dispose();
    await cluster?.dispose();
    dir.remove();
  });
  /** The servers a node has routes to, by their ids (nats-server 2.9 names no route's server). */
  const serverId = async (node: TestNatsNode) =>
    ((await (await fetch(`http://127.0.0.1:${node.monitorPort}/varz`)).json()) as { server_id: string }).server_id;
  const routes = async (node: TestNatsNode) =>
    ((await (await fetch(`http://127.0.0.1:${node.monitorPort}/routez`)).json()) as { routes: { remote_id: string }[] }).routes
      .map((r) => r.remote_id)
      .sort();
  const others = async () => (await Promise.all(cluster.nodes.slice(1).map(serverId))).sort();

  it('routes every node to the other two, and keeps streams on all three with replicas 3', async () => {
    expect(await routes(cluster.nodes[0]!)).toEqual(await others());
    await provisionStreams({
      servers: cluster.url,
      user: SYSTEM_NATS_USER,
      pass: natsPasswordOf(SYSTEM_NATS_USER, passwords),
      cells,
      replicas: 3,
    });
    const nc = await connect({
      servers: cluster.url.split(','),
      user: SYSTEM_NATS_USER,
      pass: natsPasswordOf(SYSTEM_NATS_USER, passwords),
    });
    const info = await (await jetstreamManager(nc)).streams.info('INVENTORY');
    await nc.close();
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas).toHaveLength(2);
  }, 60_000);

  it('applies the same per-cell permissions on every node', async () => {
    for (const node of cluster.nodes) {
      const nc = await connect({ servers: node.url, user: natsUser('shipping'), pass: natsPasswordOf('shipping', passwords) });
      const denied = new Promise<string>((resolve) => {
        void (async () => {
          for await (const status of nc.status()) if (status.type === 'error') resolve(String(status.error));
        })();
      });
      nc.publish('orders.orders-1.order.placed', 'forged');
      await expect(denied, node.name).resolves.toMatch(/permissions violation/i);
      await nc.close();
    }
  });

  /** A fourth node, started with `changes`, that tries to join the first three. */
  const stranger = async (name: string, changes: { cluster?: string; password?: string }) => {
    const self: TestNatsNode = { name, port: 0, monitorPort: await freePort(), clusterPort: await freePort() };
    const node = await startTestNats({ configFile: configOf(self, [...cluster.nodes, self], changes), env });
    strangers.push(node);
    return { node, self };
  };

  it('refuses a node started with another cluster’s name', async () => {
    const { node, self } = await stranger('n4', { cluster: 'elsewhere' });
    await waitFor(() => /cluster name/i.test(node.process.output()), { timeoutMs: 10_000, what: 'the refusal in the log' });
    expect(await routes(cluster.nodes[0]!)).toEqual(await others());
    expect(await routes(self)).toEqual([]);
  });

  it('refuses a node that does not know the route password', async () => {
    const { node, self } = await stranger('n5', { password: 'guessed' });
    await waitFor(() => /authorization|authentication/i.test(node.process.output()), { timeoutMs: 10_000, what: 'the refusal in the log' });
    expect(await routes(cluster.nodes[0]!)).toEqual(await others());
    expect(await routes(self)).toEqual([]);
  });
});
