import { natsServerBinary } from './nats-binary.ts';
import { freePort, isPortOpen, waitFor } from './ports.ts';
import { realProcess, type RealProcess } from './process.ts';
import { tempDir } from './tempdir.ts';

export interface TestNats {
  url: string;
  port: number;
  storeDir: string;
  /** Stop the server (JetStream data stays on disk). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop and remove its store. */
  dispose(): Promise<void>;
  process: RealProcess;
}

/**
 * A private nats-server with JetStream file storage, on a free port, for one test file. `configFile` adds
 * a nats.conf (e.g. users and permissions; the port and store given here win over its own), and `env`
 * what it refers to (`$NATS_PASSWORD_...`).
 */
export async function startTestNats(options: { configFile?: string; env?: Record<string, string> } = {}): Promise<TestNats> {
  return startNode({ ...options, port: await freePort() });
}

async function startNode(options: { configFile?: string; env?: Record<string, string>; port: number; name?: string }): Promise<TestNats> {
  const { port } = options;
  const store = tempDir('retail-nats-');
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store.path];
  if (options.configFile) args.push('-c', options.configFile);
  const proc = realProcess({ name: options.name ?? 'nats-server', command: natsServerBinary(), args, env: options.env });
  const start = async () => {
    await proc.start();
    await waitFor(() => isPortOpen(port), { what: `${options.name ?? 'nats-server'} to listen` }).catch((error: Error) => {
      // e.g. a config it cannot load: its own words say why
      throw new Error(`${error.message}\n--- nats-server output ---\n${proc.output()}`);
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir: store.path,
    stop: () => proc.stop(),
    start,
    dispose: async () => {
      await proc.stop();
      store.remove();
    },
    process: proc,
  };
}

/** One node of a test cluster, as its config needs it. */
export interface TestNatsNode {
  /** `n1`, `n2`, …: its server name. */
  name: string;
  port: number;
  monitorPort: number;
  clusterPort: number;
}

export interface TestNatsCluster {
  /** Every node's client URL, comma-separated (NATS_URL): clients fail over among them. */
  url: string;
  nodes: (TestNats & TestNatsNode)[];
  /** The node that leads the JetStream meta group now (it creates and places streams), by name. */
  metaLeader(): Promise<string | undefined>;
  dispose(): Promise<void>;
}

/**
 * A private JetStream cluster of `nodes` nats-servers on free ports. `configFile(node, all)` writes a node's
 * nats.conf (its server name, monitoring port and cluster block, routes to `all`) and returns its path;
 * `env` is what the configs refer to. Resolves once the nodes have elected a meta leader, so that streams
 * can be created at once.
 */
export async function startTestNatsCluster(options: {
  nodes: number;
  configFile: (node: TestNatsNode, all: readonly TestNatsNode[]) => string;
  env?: Record<string, string>;
}): Promise<TestNatsCluster> {
  const specs: TestNatsNode[] = [];
  for (let i = 1; i <= options.nodes; i++)
    specs.push({ name: `n${i}`, port: await freePort(), monitorPort: await freePort(), clusterPort: await freePort() });
  const nodes: TestNatsCluster['nodes'] = [];
  const dispose = async () => {
    for (const node of nodes) await node.dispose();
  };
  const metaLeader = async () => {
    for (const node of nodes) {
      const jsz = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz`)
        .then((r) => r.json() as Promise<{ meta_cluster?: { leader?: string } }>)
        .catch(() => undefined);
      if (jsz?.meta_cluster?.leader) return jsz.meta_cluster.leader;
    }
    return undefined;
  };
  try {
    for (const spec of specs) {
      const node = await startNode({
        configFile: options.configFile(spec, specs),
        env: options.env,
        port: spec.port,
        name: `nats ${spec.name}`,
      });
      nodes.push({ ...node, ...spec });
    }
    await waitFor(async () => (await metaLeader()) !== undefined, { what: 'the NATS cluster to elect a meta leader', timeoutMs: 30_000 });
  } catch (error) {
    await dispose();
    throw error;
  }
  return { url: nodes.map((n) => n.url).join(','), nodes, metaLeader, dispose };
}
