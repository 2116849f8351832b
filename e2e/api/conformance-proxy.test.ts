import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Agent, fetch } from 'undici';
import { startConformanceProxy, type ConformanceProxy } from '../src/conformance-proxy.ts';

/**
 * The system tests' proxy itself, against an upstream that closes every kept-alive connection as its second
 * request arrives (what a gateway closing an idle connection looks like to a client that just sent on it):
 * the proxy sends such a request again on a new connection, body and all, so no test sees a connection
 * closed without an answer for it.
 */
let upstream: Server;
let proxy: ConformanceProxy;
let connections = 0;
const client = new Agent({ connections: 1 });

beforeAll(async () => {
  const served = new WeakMap<object, number>();
  upstream = createServer((req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n === 2) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`));
  });
  upstream.on('connection', () => connections++);
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  proxy = await startConformanceProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {},
  });
});
afterAll(async () => {
  await proxy.close();
  await client.close();
  await new Promise((r) => upstream.close(r));
});

it('sends a request again, with its body, when the kept-alive connection it went on is closed under it', async () => {
  const answers: string[] = [];
  for (const [method, body] of [
    ['GET', undefined],
    ['POST', '{"n":1}'],
    ['POST', '{"n":2}'],
    ['GET', undefined],
  ] as const) {
    const res = await fetch(`${proxy.url}/thing`, {
      method,
      body,
      dispatcher: client,
      headers: body ? { 'content-type': 'application/json' } : {},
    });
    expect(res.status).toBe(200);
    answers.push(await res.text());
  }
  expect(answers).toEqual(['GET /thing ', 'POST /thing {"n":1}', 'POST /thing {"n":2}', 'GET /thing ']);
  // Every second request on a connection was refused, so each request after the first needed a new one.
  expect(connections).toBe(4);
});
