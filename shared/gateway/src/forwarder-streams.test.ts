import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import { createLogger, createServiceApp } from '@retail/kernel';
import { sseReader, standInServers } from '@retail/testing';
import { createForwarder } from './forwarder.ts';

/** An event stream through the forwarder on real sockets: passed on as it comes, ended when its time is up. */
const { listen, closeAll } = standInServers();
const forwarder = createForwarder();
let gateway: ServerType;
let base: string;
/** The paths of the target's streams that were hung up on. */
const closed: string[] = [];

beforeAll(async () => {
  // An endless stream: one event every 50 ms until the client goes.
  const upstream = await listen((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    const timer = setInterval(() => res.write(`event: tick\nid: ${++n}\ndata: {}\n\n`), 50);
    res.on('close', () => {
      clearInterval(timer);
      closed.push(req.url!);
    });
  });
  const app = createServiceApp({ logger: createLogger({ name: 'forwarder-test', level: 'silent' }), maxBodyBytes: null });
  app.get('/ticks', (c) => {
    const endIn = c.req.query('endIn');
    return forwarder.forward(c, {
      origin: upstream,
      path: endIn ? '/ticks?ending' : '/ticks',
      headers: {},
      name: 'the ticker',
      endAt: endIn ? Date.now() + Number(endIn) : undefined,
    });
  });
  gateway = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', overrideGlobalObjects: false, autoCleanupIncoming: false });
  await new Promise((r) => gateway.once('listening', r));
  base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await forwarder.close();
  gateway.close();
  await closeAll();
});

describe('forwarding an event stream', () => {
  it('passes each event on as it comes, without waiting for an end that never comes', async () => {
    const res = await fetch(`${base}/ticks`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = sseReader(res.body!);
    for (let i = 1; i <= 3; i++) expect((await reader.next('tick', 2_000)).id).toBe(String(i));
    await reader.close();
  });

  it('ends the stream cleanly at its end time, and hangs up on the target', async () => {
    const started = Date.now();
    const res = await fetch(`${base}/ticks?endIn=400`);
    const reader = sseReader(res.body!);
    await reader.next('tick', 2_000);
    expect(await reader.ended(3_000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(reader.events.length).toBeGreaterThan(2);
    await expect.poll(() => closed).toContain('/ticks?ending');
  });
});
