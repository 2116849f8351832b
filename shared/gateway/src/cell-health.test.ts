import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeyStore } from '@retail/auth';
import { createLogger } from '@retail/kernel';
import { defineCell } from '@retail/descriptor';
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

const servers: Server[] = [];
const listen = async (handler: Parameters<typeof createServer>[1]) => {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

let upstreams: Record<string, string>;
beforeAll(async () => {
  const closed = await listen(() => {});
  servers.pop()!.close();
  upstreams = {
    plants: await listen((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}')),
    watering: await listen((_req, res) => res.writeHead(503).end()),
    seeds: await listen(() => {}),
    compost: closed,
  };
});
afterAll(() => {
  for (const server of servers) server.closeAllConnections();
  return Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

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
      cellSecret: 'garden-cell-secret',
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
    });
    await forwarder.close();
  });
});
