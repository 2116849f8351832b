import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellDescriptor } from '@retail/descriptor';
import { isPortOpen } from '@retail/testing';
import { natsServerConfig } from './nats-auth.ts';
import { NATS_ROUTES_FILE, natsRoutesConf } from './nats-cluster.ts';

/** Where to find nats-server, or an error that says how to install it (one wording for the runner and the tests). */
export { natsServerBinary } from '@retail/testing/nats-binary';

/**
 * A private nats-server on 127.0.0.1, run with `config` (nats.conf text, see nats-auth.ts) written under
 * the data directory; `env` carries what the config refers to (the users' passwords).
 */
export async function startNatsServer(options: {
  binary: string;
  port: number;
  /** Where its nats.conf (and a cluster node's routes.conf) is written. */
  dataDir: string;
  config: string;
  /** A cluster node's routes.conf (nats-cluster.ts), written beside nats.conf. */
  routes?: string;
  env: Record<string, string>;
  onOutput: (line: string) => void;
}): Promise<ChildProcess> {
  mkdirSync(options.dataDir, { recursive: true });
  const configFile = join(options.dataDir, 'nats.conf');
  writeFileSync(configFile, options.config);
  if (options.routes) writeFileSync(join(options.dataDir, NATS_ROUTES_FILE), options.routes, { mode: 0o600 });
  const child = spawn(options.binary, ['-a', '127.0.0.1', '-p', String(options.port), '-c', configFile], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A binary that cannot be run (not executable, removed since it was found) is reported as an
  // 'error' event, which would otherwise crash the runner with a bare `spawn … EACCES`.
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const recent: string[] = [];
  const forward = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((line) => {
        recent.push(line);
        if (recent.length > 10) recent.shift();
        options.onOutput(line);
      });
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const deadline = Date.now() + 10_000;
  while (!(await isPortOpen(options.port))) {
    if (spawnError) throw new Error(`nats-server could not be started: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}:\n  ${recent.join('\n  ')}`);
    if (Date.now() > deadline) throw new Error('nats-server did not start listening within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

/**
 * The two files of one node of a NATS cluster (nats-cluster.ts): its nats.conf, with the users of
 * `cells`, its name and cluster block, and its routes.conf, which lists every node's cluster address.
 */
export function natsClusterNodeFiles(options: {
  cells: readonly CellDescriptor[];
  serverName: string;
  /** Where this node listens for routes (`host:port`). */
  clusterAddress: string;
  /** Every node's cluster address, this one's included. */
  clusterAddresses: readonly string[];
  routePassword: string;
  port?: number;
  monitorPort?: number;
  storeDir?: string;
}): { config: string; routes: string } {
  const { cells, serverName, port, monitorPort, storeDir } = options;
  return {
    config: natsServerConfig({
      cells,
      port,
      monitorPort,
      storeDir,
      serverName,
      cluster: { listen: options.clusterAddress, routesFile: NATS_ROUTES_FILE },
    }),
    routes: natsRoutesConf(options.clusterAddresses, options.routePassword),
  };
}

/**
 * One node of a cluster on 127.0.0.1 (`startTestNatsCluster` of @retail/testing calls this for each): its
 * nats.conf and routes.conf in `<dir>/<node name>`; returns the nats.conf path. `edit` changes the config
 * text, e.g. for a node of another cluster.
 */
export function writeLocalClusterNode(
  dir: string,
  node: { name: string; monitorPort: number; clusterPort: number },
  all: readonly { clusterPort: number }[],
  options: { cells: readonly CellDescriptor[]; routePassword: string; edit?: (config: string) => string },
): string {
  const files = natsClusterNodeFiles({
    cells: options.cells,
    serverName: node.name,
    monitorPort: node.monitorPort,
    clusterAddress: `127.0.0.1:${node.clusterPort}`,
    clusterAddresses: all.map((n) => `127.0.0.1:${n.clusterPort}`),
    routePassword: options.routePassword,
  });
  const folder = join(dir, node.name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, NATS_ROUTES_FILE), files.routes, { mode: 0o600 });
  writeFileSync(join(folder, 'nats.conf'), options.edit ? options.edit(files.config) : files.config);
  return join(folder, 'nats.conf');
}
