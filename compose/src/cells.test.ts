import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort, standInServers, tempDir, type TempDir } from '@retail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeringPid, FIXTURE_ENTRY, fixturePlan } from '../test/fixture-plans.ts';
import { controlFilePath, readControlFile, writeControlFile } from './control-file.ts';
import { startControlServer, type ControlServer } from './control-server.ts';
import { cellGroups, inStartOrder } from './groups.ts';
import type { ProcessPlan } from './plan.ts';
import { createSupervisor, type Supervisor } from './supervisor.ts';
import { createScaler } from './scaling.ts';
import { systemCells } from '@retail/topology';
import { problemOf, type ProblemKind } from '@retail/kernel';

const CLI = fileURLToPath(new URL('./cells.ts', import.meta.url));

/** `npm run cells -- <args>` as a real process, against the system whose data directory is `dataDir`. */
const cells = (dataDir: string, ...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, DATA_DIR: dataDir } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });

describe('npm run cells against a running system', () => {
  let data: TempDir;
  let supervisor: Supervisor;
  let control: ControlServer;
  let plans: Record<'ordersCore' | 'ordersGateway' | 'orders2Core' | 'productsCore' | 'productsGateway' | 'global', ProcessPlan>;

  beforeAll(async () => {
    data = tempDir();
    // The orders cell as two partitions (orders-2 with only its core here), products as a global cell.
    const ordersCore = await fixturePlan('orders-1/orders');
    const productsCore = await fixturePlan('products/catalog');
    // Each gateway refuses to start unless its service answers: a cell started out of order fails.
    plans = {
      ordersCore,
      productsCore,
      ordersGateway: await fixturePlan('orders-1/gateway', 'cell-gateway', { REQUIRES_URL: `${ordersCore.url}/readyz` }),
      orders2Core: await fixturePlan('orders-2/orders'),
      productsGateway: await fixturePlan('products/gateway', 'cell-gateway', { REQUIRES_URL: `${productsCore.url}/readyz` }),
      global: await fixturePlan('gateway-global', 'global-gateway'),
    };
    const all = Object.values(plans);
    supervisor = createSupervisor({ entry: FIXTURE_ENTRY, color: false, log: () => {}, output: () => {} });
    for (const batch of inStartOrder(all)) await Promise.all(batch.map((p) => supervisor.start(p)));
    control = await startControlServer({
      supervisor,
      groups: () => cellGroups(all),
      scale: createScaler({
        live: all,
        supervisor,
        system: systemCells({}),
        planInstance: (component, instance) => fixturePlan(`${component}#${instance}`, 'cell-gateway'),
      }),
      dataDir: data.path,
      log: () => {},
    });
  }, 30_000);

  afterAll(async () => {
    await control?.close();
    await supervisor?.stopAll();
    data?.remove();
  });

  it('writes the control file for its user only', () => {
    expect(statSync(controlFilePath(data.path)).mode & 0o777).toBe(0o600);
  });

  it('status lists every cell with its processes and their state', async () => {
    const { code, stdout } = await cells(data.path, 'status');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^orders-1\s+running$/m);
    expect(stdout).toMatch(/^orders-2\s+running$/m);
    expect(stdout).toMatch(/^products\s+running$/m);
    // Fixtures do not register: the registry column says so.
    expect(stdout).toMatch(
      new RegExp(`^  orders-1/gateway\\s+running\\s+pid ${await answeringPid(plans.ordersGateway)}\\s+not registered$`, 'm'),
    );
    expect(stdout).toMatch(/not a cell[^\n]*\n {2}gateway-global\s+running/);
  });

  it('scales a component that holds no data up and down, and refuses one that owns a datastore, saying why', async () => {
    const up = await cells(data.path, 'scale', 'products/gateway', '3');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^ {2}products\/gateway#2\s+running\s+pid \d+/m);
    expect(up.stdout).toMatch(/^ {2}products\/gateway#3\s+running\s+pid \d+/m);
    const extra = (await cells(data.path, 'status')).stdout.match(/products\/gateway#3\s+running\s+pid (\d+)/)![1];
    expect(Number(extra)).toBeGreaterThan(0);

    const refused = await cells(data.path, 'scale', 'products/catalog', '2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('products/catalog runs once: it owns catalog.db (SQLite, one writer)');
    expect((await cells(data.path, 'scale', 'gateway-global', '2')).stderr).toContain('it owns accounts.db');

    const down = await cells(data.path, 'scale', 'products/gateway', '1');
    expect(down.code).toBe(0);
    expect(down.stdout).not.toContain('products/gateway#2');
    expect(down.stdout).toMatch(/^ {2}products\/gateway\s+running/m);
  });

  it('stops every process of one cell, and starts them again in dependency order', async () => {
    const productsPid = await answeringPid(plans.productsGateway);

    const orders2Pid = await answeringPid(plans.orders2Core);

    const stopped = await cells(data.path, 'stop', 'orders-1');
    expect(stopped.code).toBe(0);
    expect(await answeringPid(plans.ordersCore)).toBeUndefined();
    expect(await answeringPid(plans.ordersGateway)).toBeUndefined();
    // The other partition and the other cells serve on.
    expect(await answeringPid(plans.orders2Core)).toBe(orders2Pid);
    expect(await answeringPid(plans.productsGateway)).toBe(productsPid);
    expect(await answeringPid(plans.global)).toBeDefined();
    const status = await cells(data.path, 'status');
    expect(status.stdout).toMatch(/^orders-1\s+stopped$/m);
    expect(status.stdout).toMatch(/^ {2}orders-1\/orders\s+stopped$/m);
    expect(status.stdout).toMatch(/^orders-2\s+running$/m);
    expect(status.stdout).toMatch(/^products\s+running$/m);

    const started = await cells(data.path, 'start', 'orders-1');
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^orders-1\s+running$/m);
    expect(await answeringPid(plans.ordersGateway)).toBeDefined();
    expect(await answeringPid(plans.ordersCore)).toBeDefined();
  }, 30_000);

  it('stops and starts every partition of a partitioned cell named by the cell', async () => {
    const stopped = await cells(data.path, 'stop', 'orders');
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^orders-1\s+stopped$/m);
    expect(stopped.stdout).toMatch(/^orders-2\s+stopped$/m);
    expect(await answeringPid(plans.ordersCore)).toBeUndefined();
    expect(await answeringPid(plans.orders2Core)).toBeUndefined();
    expect(await answeringPid(plans.productsGateway)).toBeDefined();

    const started = await cells(data.path, 'start', 'orders');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^orders-2\s+running$/m);
    expect(await answeringPid(plans.ordersGateway)).toBeDefined();
    expect(await answeringPid(plans.orders2Core)).toBeDefined();
  }, 30_000);

  it('refuses an unknown cell with exit code 2 and names the cells', async () => {
    const { code, stderr } = await cells(data.path, 'stop', 'payments');
    expect(code).toBe(2);
    expect(stderr).toContain('no cell named payments');
    expect(stderr).toContain('Cells: orders-1, products, orders-2');
  });

  it('does not stop gateway-global, which is not a cell', async () => {
    const pid = await answeringPid(plans.global);
    const { code, stderr } = await cells(data.path, 'stop', 'gateway-global');
    expect(code).toBe(2);
    expect(stderr).toContain('gateway-global is not a cell');
    expect(await answeringPid(plans.global)).toBe(pid);
  });

  it('refuses a request without the control token', async () => {
    const { port } = readControlFile(controlFilePath(data.path))!;
    const res = await fetch(`http://127.0.0.1:${port}/cells/products/stop`, {
      method: 'POST',
      headers: { authorization: 'Bearer guessed' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await answeringPid(plans.productsCore)).toBeDefined();
  });

  it('prints its usage for an unknown command, with exit code 2', async () => {
    const { code, stderr } = await cells(data.path, 'restart', 'orders');
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: npm run cells -- <command>');
  });
});

describe('npm run cells without a running system', () => {
  it('says so and exits 1', async () => {
    const empty = tempDir();
    try {
      const { code, stderr } = await cells(empty.path, 'status');
      expect(code).toBe(1);
      expect(stderr).toContain('Cellular Retail is not running');
    } finally {
      empty.remove();
    }
  });

  it('says so when the control file is left from a runner that was killed', async () => {
    const data = tempDir();
    try {
      writeControlFile(controlFilePath(data.path), { port: await freePort(), token: 'old', pid: 1 });
      const { code, stderr } = await cells(data.path, 'stop', 'orders');
      expect(code).toBe(1);
      expect(stderr).toContain('Cellular Retail is not running');
    } finally {
      data.remove();
    }
  });

  it('removes the control file when it stops, after which the CLI says the system is not running', async () => {
    const data = tempDir();
    try {
      const control = await startControlServer({
        supervisor: createSupervisor({ entry: FIXTURE_ENTRY, color: false }),
        groups: () => [],
        scale: async () => {},
        dataDir: data.path,
      });
      expect(existsSync(controlFilePath(data.path))).toBe(true);
      await control.close();
      expect(existsSync(controlFilePath(data.path))).toBe(false);
      expect((await cells(data.path, 'status')).code).toBe(1);
    } finally {
      data.remove();
    }
  });
});

// ── migrate, drain, undrain: against a stand-in for gateway-global's public API ──────────────────────

type MoveState = 'pending' | 'frozen' | 'copied' | 'flipped' | 'done' | 'rolling-back' | 'rolled-back' | 'cancelled';
interface StandInMove {
  id: string;
  cell: string;
  customerId: string;
  from: string;
  to: string;
  state: MoveState;
  reason: string | null;
  drain: string | null;
  orders: number | null;
  createdAt: string;
  updatedAt: string;
  frozenAt: string | null;
  flippedAt: string | null;
  finishedAt: string | null;
}
interface StandInDrain {
  cell: string;
  partition: string;
  state: 'running' | 'done' | 'undone';
  startedAt: string;
  finishedAt: string | null;
  migrations: Partial<Record<MoveState, number>>;
  customersLeft: number;
}

/**
 * gateway-global as the CLI sees it: its token endpoint (password grant) and the placement cell's
 * operator routes under /api, answering as they do (202 with Location, problem+json refusals with the
 * placement cell's words, the scope check). Each read of a move or a drain advances it one step of a
 * script, so that the CLI sees every state. A password-grant token serves three requests, then runs
 * out (401), as a real one does after its lifetime; tokens in `given` never run out.
 */
function gatewayStandIn() {
  const partitions = new Map([
    ['orders-1', 'active'],
    ['orders-2', 'active'],
    ['orders-3', 'active'],
  ]);
  const customers = new Map([
    ['user-alice', 'orders-1'],
    ['user-bob', 'orders-1'],
    ['user-carol', 'orders-2'],
    ['user-dave', 'orders-3'],
  ]);
  const moves = new Map<string, { move: StandInMove; script: Partial<StandInMove>[] }>();
  const drains = new Map<string, { drain: StandInDrain; script: Partial<StandInDrain>[] }>();
  const tokens = new Map<string, { scopes: string[]; uses: number }>();
  const given = new Set(['given-operator-token']);
  const seen = { signIns: 0, bodies: [] as unknown[], authorizations: [] as string[] };
  let issued = 0;
  const now = () => new Date().toISOString();
  const later = (ms: number) => new Date(Date.now() + ms).toISOString();

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res
      .writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers })
      .end(JSON.stringify(body));
  const problem = (res: ServerResponse, status: number, detail: string, extra: Record<string, unknown> = {}, kind?: ProblemKind) =>
    send(res, status, problemOf(status, { kind, detail, extensions: extra }));
  const readBody = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text;
  };
  const running = () => [...partitions.keys()].join(', ');
  /** The placement cell's answer for a partition it does not run. */
  const unknownPartition = (res: ServerResponse, name: string) =>
    problem(res, 404, `No partition ${name} in the running system (it has ${running()}).`, { partition: name });

  const step = <T extends object>(entry: { script: Partial<T>[] } & Record<string, any>, key: string) => {
    const next = entry.script.shift();
    if (next) Object.assign(entry[key], next, key === 'move' ? { updatedAt: later(200) } : {});
    return entry[key] as T;
  };

  const moveScript = (m: StandInMove): Partial<StandInMove>[] =>
    // orders-3's gateway stops answering while the orders are copied: the move is rolled back.
    m.to === 'orders-3'
      ? [
          { state: 'frozen', frozenAt: now() },
          { reason: 'copy: orders-3 does not answer (ECONNREFUSED)' },
          { state: 'rolling-back', reason: 'frozen: copy: orders-3 does not answer (ECONNREFUSED)' },
          { state: 'rolled-back', finishedAt: new Date(Date.parse(m.createdAt) + 800).toISOString() },
        ]
      : [
          { state: 'frozen', frozenAt: now() },
          { state: 'copied', orders: 3 },
          { state: 'flipped', flippedAt: now() },
          { state: 'done', finishedAt: new Date(Date.parse(m.createdAt) + 1_200).toISOString() },
        ];

  const drainScript = (partition: string, held: number): Partial<StandInDrain>[] =>
    // orders-3's one customer cannot be moved: its move is rolled back, and the drain is over with them left.
    partition === 'orders-3'
      ? [
          { migrations: { frozen: 1 } },
          { migrations: { 'rolling-back': 1 } },
          { migrations: { 'rolled-back': 1 }, state: 'done', finishedAt: later(900) },
        ]
      : [
          { migrations: { frozen: 1, pending: held - 1 } },
          { migrations: { done: held - 1, copied: 1 } },
          { migrations: { done: held }, customersLeft: 0, state: 'done', finishedAt: later(1_500) },
        ];

  async function api(req: IncomingMessage, res: ServerResponse, path: string) {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    seen.authorizations.push(token ?? '');
    const holder = token ? (given.has(token) ? { scopes: ['orders:admin'], uses: 0 } : tokens.get(token)) : undefined;
    if (!holder || holder.uses >= 3) return problem(res, 401, 'A valid bearer token is required.');
    if (!given.has(token!)) holder.uses++;
    if (!holder.scopes.includes('orders:admin')) return problem(res, 403, 'The token lacks a required scope.');

    if (req.method === 'POST' && path === '/cells/migrations') {
      const body = JSON.parse((await readBody(req)) || 'null');
      seen.bodies.push(body);
      const errors = [
        typeof body?.customerId === 'string' ? null : { path: 'customerId', message: 'Invalid input: expected string, received undefined' },
        /^[a-z][a-z0-9-]*-\d+$/.test(body?.partition ?? '') ? null : { path: 'partition', message: 'a partition name such as orders-2' },
      ].filter(Boolean);
      if (errors.length) return problem(res, 400, 'The request is not valid.', { errors }, 'invalid-request');
      const { customerId, partition } = body;
      const from = customers.get(customerId);
      if (!from)
        return problem(
          res,
          404,
          `No customer ${customerId} in the orders cell's placement map: they have never used it, so there is nothing to move.`,
        );
      if (from === partition)
        return problem(res, 409, `Customer ${customerId} is served by ${partition} already.`, { partition }, 'already-in-partition');
      if (!partitions.has(partition)) return unknownPartition(res, partition);
      if (partitions.get(partition) === 'draining')
        return problem(
          res,
          409,
          `Partition ${partition} cannot take customers now: it is draining.`,
          { partition },
          'partition-not-taking',
        );
      const moving = [...moves.values()].find(
        (e) => e.move.customerId === customerId && !['done', 'rolled-back', 'cancelled'].includes(e.move.state),
      );
      if (moving)
        return problem(
          res,
          409,
          `Customer ${customerId} is being moved already (move ${moving.move.id}); wait for that move to end.`,
          {
            migrationId: moving.move.id,
          },
          'migration-in-progress',
        );
      const at = now();
      const move: StandInMove = {
        id: randomUUID(),
        cell: 'orders',
        customerId,
        from,
        to: partition,
        state: 'pending',
        reason: null,
        drain: null,
        orders: null,
        createdAt: at,
        updatedAt: at,
        frozenAt: null,
        flippedAt: null,
        finishedAt: null,
      };
      moves.set(move.id, { move, script: moveScript(move) });
      return send(res, 202, move, { location: `/cells/migrations/${move.id}` });
    }

    const one = /^\/cells\/migrations\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const entry = moves.get(one[1]!);
      if (!entry) return problem(res, 404, `No move ${one[1]}.`);
      const move = step<StandInMove>(entry, 'move');
      if (move.state === 'done') customers.set(move.customerId, move.to);
      return send(res, 200, move);
    }

    const partitionPath = /^\/cells\/placement\/partitions\/([^/]+)\/(drain|undrain)$/.exec(path);
    if (partitionPath) {
      const [, name, action] = partitionPath as unknown as [string, string, string];
      if (!partitions.has(name)) return unknownPartition(res, name);
      const held = [...customers.values()].filter((p) => p === name).length;
      if (req.method === 'POST' && action === 'drain') {
        if (![...partitions].some(([p, state]) => p !== name && state === 'active'))
          return problem(
            res,
            409,
            `Partition ${name} cannot take customers now: no other partition is active to take its customers.`,
            {
              partition: name,
            },
            'partition-not-taking',
          );
        partitions.set(name, 'draining');
        const drain: StandInDrain = {
          cell: 'orders',
          partition: name,
          state: held ? 'running' : 'done',
          startedAt: now(),
          finishedAt: held ? null : now(),
          migrations: held ? { pending: held } : {},
          customersLeft: held,
        };
        drains.set(name, { drain, script: held ? drainScript(name, held) : [] });
        return send(res, 202, drain);
      }
      if (req.method === 'GET' && action === 'drain') {
        const entry = drains.get(name);
        if (!entry)
          return send(res, 200, {
            cell: 'orders',
            partition: name,
            state: 'undone',
            startedAt: new Date(0).toISOString(),
            finishedAt: null,
            migrations: {},
            customersLeft: held,
          });
        const drain = step<StandInDrain>(entry, 'drain');
        if (drain.state === 'done' && name !== 'orders-3')
          for (const [customer, p] of customers) if (p === name) customers.set(customer, 'orders-2');
        return send(res, 200, drain);
      }
      if (req.method === 'POST' && action === 'undrain') {
        partitions.set(name, 'active');
        const entry = drains.get(name);
        if (!entry)
          return send(res, 200, {
            cell: 'orders',
            partition: name,
            state: 'undone',
            startedAt: new Date(0).toISOString(),
            finishedAt: null,
            migrations: {},
            customersLeft: held,
          });
        entry.script = [];
        Object.assign(entry.drain, { state: 'undone', finishedAt: now(), customersLeft: held });
        return send(res, 200, entry.drain);
      }
    }
    return problem(res, 404, 'No such resource.');
  }

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    if (req.method === 'POST' && path === '/auth/token') {
      const form = new URLSearchParams(await readBody(req));
      const accounts: Record<string, [string, string[]]> = {
        'admin@example.com': ['admin', ['orders:admin', 'products:write']],
        'alice@example.com': ['alice', ['orders:read', 'orders:write']],
      };
      const account = accounts[form.get('username') ?? ''];
      if (form.get('grant_type') !== 'password' || !account || account[0] !== form.get('password'))
        // RFC 6749 §5.2, as the token service answers it: not a problem.
        return res
          .writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify({ error: 'invalid_grant', error_description: 'The username or password is wrong.' }));
      seen.signIns++;
      const token = `token-${++issued}`;
      tokens.set(token, { scopes: account[1], uses: 0 });
      return send(
        res,
        200,
        { access_token: token, token_type: 'Bearer', expires_in: 900, scope: account[1].join(' ') },
        { 'cache-control': 'no-store' },
      );
    }
    if (path.startsWith('/api/')) return api(req, res, path.slice('/api'.length));
    return problem(res, 404, 'No such resource.');
  };
  return { handler, seen, customers, partitions };
}

describe('npm run cells -- migrate | drain | undrain, through gateway-global', () => {
  const servers = standInServers();
  let gateway: ReturnType<typeof gatewayStandIn>;
  let url: string;

  /** The CLI as a real process, against the stand-in, with only the operator settings given here. */
  const operate = (env: Record<string, string>, ...args: string[]) => {
    const { ADMIN_TOKEN: _t, ADMIN_USER: _u, ADMIN_PASSWORD: _p, GATEWAY_URL: _g, ...inherited } = process.env;
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...inherited, GATEWAY_URL: url, ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  };

  beforeAll(async () => {
    gateway = gatewayStandIn();
    url = await servers.listen((req, res) => void gateway.handler(req, res));
  });
  afterAll(() => servers.closeAll());

  it('moves a customer as the demo operator, printing each state the move reaches, and exits 0 when it is done', async () => {
    const signIns = gateway.seen.signIns;
    const { code, stdout, stderr } = await operate({}, 'migrate', 'user-alice', 'orders-2');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(gateway.seen.bodies.at(-1)).toEqual({ customerId: 'user-alice', partition: 'orders-2' });
    expect(stdout).toMatch(/^Moving user-alice from orders-1 to orders-2 \(move [0-9a-f-]{36}\)$/m);
    const states = [...stdout.matchAll(/^ {2}\+\d+\.\d s\s+(\S+)/gm)].map((m) => m[1]);
    expect(states).toEqual(['pending', 'frozen', 'copied', 'flipped', 'done']);
    expect(stdout).toMatch(/copied\s+3 orders copied to orders-2/);
    expect(stdout).toMatch(/^✔ user-alice is served by orders-2 now: 3 orders moved in 1\.\d s\.$/m);
    // Its token ran out half-way (the stand-in's serve three requests): it signed in again and went on.
    expect(gateway.seen.signIns - signIns).toBeGreaterThanOrEqual(2);
    expect(gateway.customers.get('user-alice')).toBe('orders-2');
  });

  it('exits 1 when the move is rolled back, with the step that failed and why', async () => {
    const { code, stdout, stderr } = await operate({}, 'migrate', 'user-bob', 'orders-3');
    expect(code).toBe(1);
    expect(stdout).toMatch(/frozen\s+retrying: copy: orders-3 does not answer \(ECONNREFUSED\)/);
    expect(stdout).toMatch(/rolling-back\s+frozen: copy: orders-3 does not answer/);
    expect(stdout).toMatch(/rolled-back/);
    expect(stderr).toContain(
      '✖ The move was rolled back: frozen: copy: orders-3 does not answer (ECONNREFUSED). user-bob stays on orders-1.',
    );
    expect(gateway.customers.get('user-bob')).toBe('orders-1');
  });

  it("shows the placement cell's refusals with their detail and exits 1, and a bad request's field errors", async () => {
    const same = await operate({}, 'migrate', 'user-carol', 'orders-2');
    expect(same.code).toBe(1);
    expect(same.stderr).toContain('✖ Moving user-carol to orders-2: Customer user-carol is served by orders-2 already.');
    expect(same.stdout).toBe('');

    const unknown = await operate({}, 'migrate', 'user-zed', 'orders-2');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No customer user-zed in the orders cell's placement map");

    const nowhere = await operate({}, 'migrate', 'user-carol', 'orders-9');
    expect(nowhere.stderr).toContain('No partition orders-9 in the running system (it has orders-1, orders-2, orders-3).');

    const invalid = await operate({}, 'migrate', 'user-carol', 'warehouse');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('The request is not valid.');
    expect(invalid.stderr).toContain('  partition: a partition name such as orders-2');
  });

  it('uses ADMIN_TOKEN as it is when given; refuses a wrong password and a customer, saying what to set', async () => {
    const signIns = gateway.seen.signIns;
    const given = await operate({ ADMIN_TOKEN: 'given-operator-token' }, 'undrain', 'orders-3');
    expect(given.code).toBe(0);
    expect(gateway.seen.signIns).toBe(signIns);
    expect(gateway.seen.authorizations.at(-1)).toBe('given-operator-token');

    const wrong = await operate({ ADMIN_PASSWORD: 'guess' }, 'drain', 'orders-1');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('✖ Signing in as admin@example.com: The username or password is wrong.');
    expect(wrong.stderr).toContain('Set ADMIN_USER and ADMIN_PASSWORD');

    const customer = await operate({ ADMIN_USER: 'alice@example.com', ADMIN_PASSWORD: 'alice' }, 'drain', 'orders-1');
    expect(customer.code).toBe(1);
    expect(customer.stderr).toContain('✖ Draining orders-1: The token lacks a required scope.');
    expect(customer.stderr).toContain('alice@example.com is not an operator (scope orders:admin)');
    expect(gateway.partitions.get('orders-1')).toBe('active');

    const expired = await operate({ ADMIN_TOKEN: 'expired' }, 'undrain', 'orders-1');
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('ADMIN_TOKEN was refused');
  });

  it('drains a partition, printing the moves by state and the customers left until it is done, then the totals', async () => {
    const { code, stdout, stderr } = await operate({}, 'drain', 'orders-1');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Draining orders-1 of the orders cell/m);
    const progress = [...stdout.matchAll(/^ {2}\+\d+\.\d s\s+(.+)$/gm)].map((m) => m[1]);
    expect(progress).toEqual([
      // One customer is left on it (bob, whose move to orders-3 was rolled back).
      '1 pending — 1 customer left',
      '1 frozen — 1 customer left',
      '1 copied — 1 customer left',
      '1 done — 0 customers left',
    ]);
    expect(stdout).toMatch(/^Drained orders-1 in 1\.\d s: 1 customer moved, 0 moves rolled back, 0 cancelled; 0 customers left on it\.$/m);
    expect(gateway.partitions.get('orders-1')).toBe('draining');
    expect(gateway.customers.get('user-bob')).toBe('orders-2');

    // orders-1 draining: a move onto it is refused.
    const onto = await operate({}, 'migrate', 'user-carol', 'orders-1');
    expect(onto.stderr).toContain('Partition orders-1 cannot take customers now: it is draining.');
  });

  it('exits 1 from a drain that leaves someone behind, and says where to look', async () => {
    const { code, stdout, stderr } = await operate({}, 'drain', 'orders-3');
    expect(code).toBe(1);
    expect(stdout).toMatch(/1 rolling-back — 1 customer left/);
    expect(stdout).toMatch(/Drained orders-3 in 0\.\d s: 0 customers moved, 1 move rolled back, 0 cancelled; 1 customer left on it\./);
    expect(stderr).toContain('✖ Not every customer left orders-3');
    expect(stderr).toContain('/api/cells/migrations?drain=orders-3&state=rolled-back');
  });

  it('undrains a partition, printing what its drain had done', async () => {
    const { code, stdout } = await operate({}, 'undrain', 'orders-1');
    expect(code).toBe(0);
    expect(stdout).toContain('orders-1 is active again: it takes new customers.');
    expect(stdout).toMatch(/^Its drain \(from \d\d:\d\d:\d\d\): 1 done; 0 customers on orders-1\.$/m);
    expect(gateway.partitions.get('orders-1')).toBe('active');
  });

  it('prints its usage for a command without its arguments, with exit code 2', async () => {
    for (const args of [['migrate', 'user-alice'], ['migrate'], ['drain'], ['undrain', 'orders-1', 'orders-2']]) {
      const { code, stderr } = await operate({}, ...args);
      expect(code).toBe(2);
      expect(stderr).toContain('migrate <customerId> <partition>');
      expect(stderr).toContain('a deployed system has an operator password of its own');
    }
  });

  it('says when gateway-global does not answer', async () => {
    const { code, stderr } = await operate({ GATEWAY_URL: await servers.closedUrl() }, 'drain', 'orders-1');
    expect(code).toBe(1);
    expect(stderr).toMatch(/gateway-global does not answer at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});
