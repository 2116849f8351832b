import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, tempDir, type TempDir } from '@retail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeringPid, FIXTURE_ENTRY, fixturePlan } from '../test/fixture-plans.ts';
import { controlFilePath, readControlFile, writeControlFile } from './control-file.ts';
import { startControlServer, type ControlServer } from './control-server.ts';
import { cellGroups, inStartOrder } from './groups.ts';
import type { ProcessPlan } from './plan.ts';
import { createSupervisor, type Supervisor } from './supervisor.ts';
import { createScaler } from './scaling.ts';
import { systemCells } from '@retail/topology';

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
