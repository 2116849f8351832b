import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { createPool, type Pool } from '@retail/http-client';
import { createLogger, createServiceApp } from '@retail/kernel';
import { standInServers } from '@retail/testing';
import { createForwarder } from './forwarder.ts';

/**
 * The forwarder over two instances, on real sockets (the gateway's fast path): what the pool picks,
 * and which requests go once more to the other instance when the first gave no answer.
 */
const { listen, closedUrl, closeAll } = standInServers();
const forwarder = createForwarder();
let gateway: ServerType;
let base: string;
let pool: Pool;
let up: string;
let down: string;
let seen: { method: string; body: string; key?: string }[] = [];
let resetting: string;

beforeAll(async () => {
  up = await listen((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, body, key: req.headers['idempotency-key'] as string | undefined });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: 'up', body }));
    });
  });
  down = await closedUrl();
  // Takes the request, then drops the connection without an answer (a process killed mid-request).
  resetting = await listen((req) => req.socket.destroy());
  // A service app, as the gateways are: a failure is mapped to its problem (503), never a 500.
  const app = createServiceApp({ logger: createLogger({ name: 'forwarder-test', level: 'silent' }), maxBodyBytes: null });
  app.all('/*', (c) => forwarder.forward(c, { pool, path: c.req.path, headers: {}, name: 'the garden' }));
  gateway = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false, autoCleanupIncoming: false });
  await new Promise((r) => gateway.once('listening', r));
  base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await forwarder.close();
  gateway.close();
  await closeAll();
});

const twoInstances = (first: string, second: string) =>
  createPool({ name: 'the garden', instances: () => [first, second], fallback: first, failuresToEject: 2 });

describe('forwarding over two instances', () => {
  it('sends a request refused by one instance to the other, and ejects the refusing one', async () => {
    pool = twoInstances(down, up);
    seen = [];
    for (let i = 0; i < 6; i++) expect((await fetch(`${base}/plants`)).status).toBe(200);
    expect(seen).toHaveLength(6);
    expect(pool.state().find((s) => s.origin === new URL(down).origin)!.ejected).toBe(true);
  });

  it('sends an idempotent POST (Idempotency-Key) again, body and all, when the first instance dropped it', async () => {
    pool = twoInstances(resetting, up);
    seen = [];
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        fetch(`${base}/plants`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `key-${i}` },
          body: JSON.stringify({ plant: i }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(seen.map((s) => s.key).sort()).toEqual(['key-0', 'key-1', 'key-2', 'key-3']);
    for (const s of seen) expect(JSON.parse(s.body)).toEqual({ plant: Number(s.key!.split('-')[1]) });
  });

  it('does not send a POST without an Idempotency-Key again: the first instance may have acted on it', async () => {
    pool = createPool({ name: 'the garden', instances: () => [resetting, up], fallback: resetting, failuresToEject: 100 });
    seen = [];
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await fetch(`${base}/plants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
      );
    // Half went to the dropping instance and were answered 503, never repeated.
    expect(statuses.filter((s) => s === 503).length).toBe(2);
    expect(seen).toHaveLength(2);
  });
});
