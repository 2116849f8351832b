import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';
import { freePort, realProcess, type RealProcess } from '@retail/testing';

const main = fileURLToPath(new URL('../test/shop-main.ts', import.meta.url));
const partitionedMain = fileURLToPath(new URL('../test/partitioned-shop-main.ts', import.meta.url));
const unguardedMain = fileURLToPath(new URL('../test/unguarded-shop-main.ts', import.meta.url));
// Each test starts a real Node process, which takes 4 s of a busy two-core machine: more than vitest's 5 s default allows for.
vi.setConfig({ testTimeout: 30_000 });
const started: RealProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

async function startShop(env: Record<string, string>, entry = main) {
  const port = await freePort();
  const process = realProcess({
    name: 'shop-till',
    command: 'node',
    args: [entry],
    env: { OTEL_SDK_DISABLED: 'true', PORT: String(port), ...env },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
  });
  started.push(process);
  await process.start();
  return { process, port };
}

it('names the process from the descriptor, serves its app, and closes what it composed in reverse on SIGTERM', async () => {
  const { process, port } = await startShop({});
  expect(await (await fetch(`http://127.0.0.1:${port}/whoami`)).json()).toEqual({ cell: 'shop', component: 'till' });
  const listening = process
    .output()
    .split('\n')
    .map((line) => (line.startsWith('{') ? JSON.parse(line) : {}))
    .find((entry) => entry.msg === 'listening');
  expect(listening).toMatchObject({ name: 'shop-till', cell: 'shop', component: 'till', port });
  await process.stop();
  const output = process.output();
  expect(output.indexOf('closed the bus')).toBeGreaterThan(-1);
  expect(output.indexOf('closed the bus')).toBeLessThan(output.indexOf('closed the database'));
});

it('serves nothing but the probes and what the service named open without its cell gateway’s internal token', async () => {
  const { port } = await startShop({});
  const anonymous = await fetch(`http://127.0.0.1:${port}/a-prefix-nobody-listed/1`);
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
});

it('refuses to start a service whose app would serve routes without checking internal tokens', () => {
  const run = spawnSync('node', [unguardedMain], {
    env: { ...process.env, OTEL_SDK_DISABLED: 'true', PORT: '0', DISCOVERY: 'static' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr + run.stdout).toContain('shop-till would serve routes without checking its cell gateway');
});

it('refuses to start on a bad setting and says which', () => {
  const run = spawnSync('node', [main], {
    env: { ...process.env, OTEL_SDK_DISABLED: 'true', PORT: 'eighty' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/Invalid configuration:\n\s+PORT: /);
});

it('runs a partitioned cell as the partition CELL_PARTITION names, under that partition’s name', async () => {
  const { process, port } = await startShop({ CELL_PARTITION: 'shop-2' }, partitionedMain);
  expect(await (await fetch(`http://127.0.0.1:${port}/whoami`)).json()).toEqual({ cell: 'shop', partition: 'shop-2', component: 'till' });
  const listening = process
    .output()
    .split('\n')
    .map((line) => (line.startsWith('{') ? JSON.parse(line) : {}))
    .find((entry) => entry.msg === 'listening');
  expect(listening).toMatchObject({ name: 'shop-2-till', cell: 'shop-2', component: 'till', port });
});

it('refuses to start as a partition the cell does not have, naming the ones it has', () => {
  const run = spawnSync('node', [partitionedMain], {
    env: { ...process.env, OTEL_SDK_DISABLED: 'true', CELL_PARTITION: 'shop-3' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('shop-3 is not a partition of the shop cell (it has shop-1, shop-2)');
});
