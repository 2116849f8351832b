import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, realProcess, tempDir } from '@retail/testing';
import { planSystem, type ProcessPlan } from '@retail/system';
import type { Schemas } from '../src/client.ts';

/**
 * Development and deployment are different modes. A process started with NODE_ENV=production (as the
 * image starts every one) refuses a missing secret or a known development default and names the
 * variable; given its own secrets (here as files, as compose hands them over) it starts, and the demo
 * customers exist only when asked for.
 */
const run = promisify(execFile);
const data = tempDir('retail-secrets-');
afterAll(() => data.remove());

const plans = planSystem({ dataDir: data.path, natsUrl: 'nats://127.0.0.1:1' });
const plan = (name: string) => plans.find((p) => p.name === name)!;

/** Starts the process's sources with its planned (development) settings plus `env`; resolves once it exits. */
async function startExpectingRefusal(target: ProcessPlan, env: Record<string, string>) {
  const exit = await run(process.execPath, ['src/main.ts'], {
    cwd: target.dir,
    env: { ...process.env, ...target.env, ...env },
    timeout: 20_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
  return exit;
}

describe('a deployed process (NODE_ENV=production)', () => {
  it.each([
    ['orders-1/checkout', ['NATS_PASS: is the development default', 'CLIENT_SECRET: required in production', 'WORKLOAD_SECRET:']],
    ['orders-1/gateway', ['WORKLOAD_SECRET_ORDERS:', 'WORKLOAD_SECRET_CHECKOUT:']],
    [
      'gateway-global',
      [
        'ADMIN_PASSWORD: required in production',
        'CLIENT_SECRET_ORDERS_1: required in production',
        'CLIENT_SECRET_ORDERS_2: required in production',
        'NATS_PASS: is the development default',
      ],
    ],
  ])('%s refuses to start with the development secrets, naming each variable', async (name, expected) => {
    const { code, stderr } = await startExpectingRefusal(plan(name), { NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(stderr).toContain('Refusing to start (production mode)');
    for (const line of expected) expect(stderr).toContain(line);
  });

  it('starts with secrets of its own, has no demo customers, and refuses admin/admin', async () => {
    const secrets = tempDir('retail-secret-files-');
    const files: Record<string, string> = {};
    const strong = (name: string) => `${name}-${'k'.repeat(24)}`;
    for (const name of [
      'ADMIN_PASSWORD',
      'NATS_PASS',
      'CLIENT_SECRET_PRODUCTS',
      'CLIENT_SECRET_INVENTORY',
      'CLIENT_SECRET_PLACEMENT',
      'CLIENT_SECRET_ORDERS_1',
      'CLIENT_SECRET_ORDERS_2',
      'CLIENT_SECRET_SHIPPING',
    ]) {
      writeFileSync(join(secrets.path, name), `${strong(name)}\n`);
      files[`${name}_FILE`] = join(secrets.path, name);
    }
    const global = plan('gateway-global');
    const port = await freePort();
    const metricsPort = await freePort();
    const { NATS_PASS: _, ...withoutPassword } = global.env;
    const gateway = realProcess({
      name: 'gateway-global (production)',
      command: process.execPath,
      args: ['src/main.ts'],
      cwd: global.dir,
      env: {
        ...withoutPassword,
        ...files,
        NODE_ENV: 'production',
        PORT: String(port),
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        DATA_DIR: join(data.path, 'production'),
      },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
    });
    try {
      await gateway.start();
      const signIn = (username: string, password: string) =>
        fetch(`http://127.0.0.1:${port}/auth/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'password', username, password }),
        });
      // The same answer for a wrong password and for an account that does not exist here.
      for (const [username, password] of [
        ['admin@example.com', 'admin'],
        ['alice@example.com', 'alice'],
      ] as const) {
        const refused = await signIn(username, password);
        expect(refused.status, `${username}/${password}`).toBe(400);
        expect(((await refused.json()) as Schemas['OauthError']).error).toBe('invalid_grant');
      }
      const admin = await signIn('admin@example.com', strong('ADMIN_PASSWORD'));
      expect(admin.status).toBe(200);
      const machine = await fetch(`http://127.0.0.1:${port}/auth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('orders-1:orders-1-dev-secret').toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      expect(machine.status).toBe(401);
    } finally {
      await gateway.stop();
      secrets.remove();
    }
  });
});
