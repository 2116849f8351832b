import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPartitionName } from '@retail/descriptor';
import { problemOf } from '@retail/kernel';
import { controlFilePath, removeControlFile, writeControlFile } from './control-file.ts';
import { inStartOrder, type ProcessGroup } from './groups.ts';
import type { ProcessStatus, Supervisor } from './supervisor.ts';

/** `degraded`: some of its processes run, others are stopped, starting or restarting. */
export type GroupState = 'running' | 'stopped' | 'degraded';

export interface GroupStatus {
  name: string;
  state: GroupState;
  processes: ProcessStatus[];
}

/** What `GET /cells` answers: every cell, and the processes that belong to none (gateway-global). */
export interface SystemStatus {
  cells: GroupStatus[];
  others: ProcessStatus[];
  /** Every instance registered in the registry now (the processes above, as callers find them). */
  registry: NonNullable<ReturnType<NonNullable<ControlServerOptions['registered']>>>;
}

/** A scale the descriptors do not allow (a single-writer component), or an unknown target: the reason for the operator. */
export class ScaleRefused extends Error {}

export interface ControlServer {
  /** Stops answering and removes the control file. */
  close(): Promise<void>;
}

export interface ControlServerOptions {
  supervisor: Supervisor;
  /** The cells and their processes now (instances come and go with `scale`). */
  groups: () => readonly ProcessGroup[];
  /** Run `count` instances of `target` (`orders/checkout`); throws ScaleRefused for one that cannot. */
  scale: (target: string, count: number) => Promise<void>;
  /** The live registry entries, to show beside the processes (status). */
  registered?: () => readonly { cell: string; component: string; instance: string; url: string; pid: number; host: string }[];
  dataDir: string;
  log?: (line: string) => void;
}

const groupState = (processes: readonly ProcessStatus[]): GroupState =>
  processes.every((p) => p.state === 'running') ? 'running' : processes.every((p) => p.state === 'stopped') ? 'stopped' : 'degraded';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The running system's control channel for `npm run cells`: HTTP on 127.0.0.1 (a free port), every
 * request with the bearer token the runner writes, with the port, to the data directory (mode 0600).
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { supervisor } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const token = randomBytes(32).toString('base64url');
  const expected = digest(`Bearer ${token}`);
  // One stop or start at a time, so that a start never races a stop of the same processes.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const statusOf = (group: ProcessGroup): GroupStatus => {
    const names = new Set(group.processes.map((p) => p.name));
    const processes = supervisor.status().filter((p) => names.has(p.name));
    return { name: group.name, state: groupState(processes), processes };
  };
  const systemStatus = (): SystemStatus => {
    const groups = options.groups();
    const grouped = new Set(groups.flatMap((g) => g.processes.map((p) => p.name)));
    return {
      cells: groups.map(statusOf),
      others: supervisor.status().filter((p) => !grouped.has(p.name)),
      registry: options.registered?.() ?? [],
    };
  };

  const stopGroup = async (group: ProcessGroup) => {
    // The gateway first, so that no request enters a cell whose services are going away.
    for (const batch of inStartOrder(group.processes).reverse()) await Promise.all(batch.map((p) => supervisor.stop(p.name)));
    log(`■ ${group.name} stopped on purpose (${group.processes.map((p) => p.name).join(', ')}); npm run cells -- start ${group.name}`);
  };
  const startGroup = async (group: ProcessGroup) => {
    for (const batch of inStartOrder(group.processes)) await Promise.all(batch.map((p) => supervisor.start(p)));
    log(`▶ ${group.name} started (${group.processes.map((p) => p.name).join(', ')})`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: object, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const problem = (status: number, detail: string, extra: object = {}) =>
      send(status, problemOf(status, { detail, extensions: { ...extra } }), 'application/problem+json');

    const given = digest(req.headers.authorization ?? '');
    if (!timingSafeEqual(given, expected)) return problem(401, 'the control token (in the control file) is required');

    const url = new URL(req.url ?? '/', 'http://control');
    if (url.pathname === '/cells') {
      if (req.method !== 'GET') return problem(405, 'GET /cells');
      return send(200, systemStatus());
    }
    const scaling = /^\/scale\/(.+)$/.exec(url.pathname);
    if (scaling) {
      if (req.method !== 'POST') return problem(405, `POST ${url.pathname}?instances=<n>`);
      const target = scaling[1]!.split('/').map(decodeURIComponent).join('/');
      const count = Number(url.searchParams.get('instances'));
      try {
        await serially(() => options.scale(target, count));
      } catch (error) {
        if (error instanceof ScaleRefused) return problem(409, error.message);
        return problem(503, (error as Error).message);
      }
      return send(200, systemStatus());
    }
    const action = /^\/cells\/([^/]+)\/(stop|start)$/.exec(url.pathname);
    if (!action)
      return problem(404, 'GET /cells, POST /cells/<cell>/stop, POST /cells/<cell>/start, POST /scale/<cell>/<component>?instances=<n>');
    if (req.method !== 'POST') return problem(405, `POST ${url.pathname}`);
    const name = decodeURIComponent(action[1]!);
    // A partitioned cell by its name is all its partitions (`orders` → orders-1, orders-2, …).
    const groups = options.groups();
    const named = groups.filter((g) => g.name === name || (g.name.startsWith(`${name}-`) && isPartitionName(g.name)));
    const cells = groups.map((g) => g.name);
    if (!named.length) {
      const other = systemStatus().others.find((p) => p.name === name);
      const detail = other
        ? `${name} is not a cell: it is the system's entrance and token service, and stops only with the whole system (Ctrl-C)`
        : `no cell named ${name}`;
      return problem(404, detail, { cells });
    }
    for (const group of named) {
      try {
        await serially(() => (action[2] === 'stop' ? stopGroup(group) : startGroup(group)));
      } catch (error) {
        return problem(503, (error as Error).message, { cell: statusOf(group) });
      }
    }
    return send(200, named.length === 1 && named[0]!.name === name ? statusOf(named[0]!) : { cells: named.map(statusOf) });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      log(`✖ control: ${error.message}`);
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify(problemOf(503)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const file = controlFilePath(options.dataDir);
  writeControlFile(file, { port: (server.address() as AddressInfo).port, token, pid: process.pid });

  return {
    async close() {
      removeControlFile(file, token);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
