import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeyStore } from '@retail/auth';
import { createLogger } from '@retail/kernel';
import { defineCell } from '@retail/descriptor';
import { standInServers } from '@retail/testing';
import { createCellGateway } from './cell-gateway.ts';
import { createForwarder } from './forwarder.ts';

const cell = defineCell({
  name: 'garden',
  summary: 'A cell for this test.',
  stream: 'GARDEN',
  gateway: { port: 0 },
  components: [
    { name: 'plants', kind: 'core', port: 0, summary: 'Answers ready.' },
    { name: 'watering', kind: 'composite', port: 0, summary: 'Answers 503: still starting.' },
    { name: 'seeds', kind: 'core', port: 0, summary: 'Never answers.' },
    { name: 'compost', kind: 'core', port: 0, summary: 'Nothing listens.' },
  ],
  routes: [],
});

const { listen, closedUrl, closeAll } = standInServers();

let upstreams: Record<string, string>;
beforeAll(async () => {
  upstreams = {
    plants: await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}')),
    watering: await listen((_req, res) => res.writeHead(503).end()),
    seeds: await listen(() => {}),
    compost: await closedUrl(),
  };
});
afterAll(closeAll);

describe('GET /health/cell', () => {
  it("probes each of the cell's components and says which are up, within the timeout", async () => {
    const forwarder = createForwarder();
    const app = createCellGateway({
      cell,
      logger: createLogger({ name: 'test', level: 'silent' }),
      verifyToken: () => Promise.reject(new Error('no token is verified here')),
      internalKeys: await openKeyStore({ alg: 'EdDSA' }),
      upstreams,
      forwarder,
      workloadSecrets: { plants: 'garden-plants-secret' },
      healthTimeoutMs: 300,
    });
    const started = Date.now();
    const res = await app.request('/health/cell');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      cell: 'garden',
      gateway: 'up',
      components: { plants: 'up', watering: 'down', seeds: 'down', compost: 'down' },
      instances: {
        plants: { ready: 1, of: 1 },
        watering: { ready: 0, of: 1 },
        seeds: { ready: 0, of: 1 },
        compost: { ready: 0, of: 1 },
      },
    });
    await forwarder.close();
  });
});
