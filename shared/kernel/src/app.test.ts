import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MiddlewareHandler } from 'hono';
import { createServiceApp, requiresAuthentication } from './app.ts';
import { readJson } from './body.ts';
import { ConflictError, TooManyRequestsError, UnauthorizedError } from './errors.ts';
import { createLogger } from './logger.ts';
import { serveApp } from './serve.ts';

const logged: unknown[] = [];
const logger = createLogger({ name: 'test', level: 'silent' });
logger.error = ((obj: unknown) => void logged.push(obj)) as typeof logger.error;

const thing = z.object({ name: z.string().min(2), count: z.number().int() });

function testApp() {
  const app = createServiceApp({ logger, maxBodyBytes: 1024 });
  app.post('/things', async (c) => c.json(await readJson(c, thing), 201));
  // Node may hold a request's stream paused (backpressure on its socket): the body is read all the same.
  app.post('/paused-things', async (c) => {
    (c.env as { incoming?: import('node:http').IncomingMessage }).incoming?.pause();
    await new Promise((resolve) => setTimeout(resolve, 20));
    return c.json(await readJson(c, thing), 201);
  });
  app.get('/things/:id', (c) => {
    if (c.req.param('id') === 'taken') throw new ConflictError('Already taken.');
    if (c.req.param('id') === 'busy') throw new TooManyRequestsError(7, { headers: { RateLimit: '"default";r=0;t=7' } });
    throw new Error('database password is hunter2');
  });
  return app;
}

const post = (body: string, type = 'application/json') =>
  testApp().request('/things', { method: 'POST', body, headers: { 'content-type': type } });

describe('the service frame', () => {
  it('maps validation failures to 400 problem+json with every field error', async () => {
    const res = await post(JSON.stringify({ name: 'x', count: 1.5 }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as { errors: { path: string }[]; title: string; type: string };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['count', 'name']);
    expect(problem).toMatchObject({ type: '/api/problems/invalid-request', title: 'Invalid request' });
  });

  it('maps typed errors to their status with a problem body and headers', async () => {
    const conflict = await testApp().request('/things/taken');
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ status: 409, title: 'Conflict', detail: 'Already taken.', instance: '/things/taken' });
    const limited = await testApp().request('/things/busy');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('ratelimit')).toBe('"default";r=0;t=7');
    expect(await limited.json()).toMatchObject({ type: '/api/problems/rate-limited', title: 'Rate limit exceeded' });
  });

  it('hides the internals of unexpected errors behind a 500 and logs them', async () => {
    const res = await testApp().request('/things/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toMatchObject({ type: 'about:blank', status: 500, title: 'Internal Server Error' });
    expect(logged.length).toBeGreaterThan(0);
  });

  it('answers 413 for a body over the limit, whether announced or streamed', async () => {
    expect((await post(JSON.stringify({ name: 'x'.repeat(2000), count: 1 }))).status).toBe(413);
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ name: 'y'.repeat(4000), count: 1 })));
        controller.close();
      },
    });
    const res = await testApp().request('/things', {
      method: 'POST',
      body: chunked,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('tells malformed JSON, the wrong media type, unknown routes and wrong methods apart', async () => {
    expect((await post('{"name":')).status).toBe(400);
    expect((await post('name=x', 'text/plain')).status).toBe(415);
    const unknown = await testApp().request('/nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'about:blank', title: 'Not Found' });
    const wrong = await testApp().request('/things', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await wrong.json()).toMatchObject({ type: 'about:blank', title: 'Method Not Allowed' });
  });

  it('over real HTTP reads bodies from the Node request: valid ones pass, and over the limit is 413 announced or streamed', async () => {
    const server = await serveApp({ app: testApp(), port: 0, hostname: '127.0.0.1', logger });
    try {
      const url = `http://127.0.0.1:${server.port}/things`;
      const send = (body: string | ReadableStream<Uint8Array>) =>
        fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
      const streamed = (text: string) =>
        new ReadableStream({
          start(controller) {
            for (let at = 0; at < text.length; at += 500) controller.enqueue(new TextEncoder().encode(text.slice(at, at + 500)));
            controller.close();
          },
        });
      const ok = await send(JSON.stringify({ name: 'widget', count: 3 }));
      expect(ok.status).toBe(201);
      expect(await ok.json()).toEqual({ name: 'widget', count: 3 });
      expect((await send(streamed(JSON.stringify({ name: 'gadget', count: 4 })))).status).toBe(201);
      const tooLong = JSON.stringify({ name: 'z'.repeat(3000), count: 1 });
      expect((await send(tooLong)).status).toBe(413);
      const streamedTooLong = await send(streamed(tooLong));
      expect(streamedTooLong.status).toBe(413);
      expect(await streamedTooLong.json()).toMatchObject({ type: 'about:blank', status: 413, title: 'Content Too Large' });
      expect((await send('{"name":')).status).toBe(400);
      const paused = await fetch(`http://127.0.0.1:${server.port}/paused-things`, {
        method: 'POST',
        body: JSON.stringify({ name: 'paused', count: 5 }),
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(3_000),
      });
      expect(paused.status).toBe(201);
      expect(await paused.json()).toEqual({ name: 'paused', count: 5 });
    } finally {
      await server.close();
    }
  });
});

describe('deny by default (authenticate)', () => {
  const allowBearer: MiddlewareHandler = async (c, next) => {
    if (c.req.header('authorization') !== 'Bearer good') throw new UnauthorizedError();
    await next();
  };
  const guardedApp = () => {
    const app = createServiceApp({ logger, authenticate: allowBearer, openPaths: ['/public-note'] });
    app.get('/things', (c) => c.json({ things: [] }));
    app.get('/public-note', (c) => c.text('hello'));
    return app;
  };

  it('checks a route under a prefix nobody listed, added after the app was made', async () => {
    const app = guardedApp();
    app.post('/brand-new/prefix/:id', (c) => c.json({ id: c.req.param('id') }, 201));
    const refused = await app.request('/brand-new/prefix/1', { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
    expect((await app.request('/brand-new/prefix/1', { method: 'POST', headers: { authorization: 'Bearer bad' } })).status).toBe(401);
    expect((await app.request('/brand-new/prefix/1', { method: 'POST', headers: { authorization: 'Bearer good' } })).status).toBe(201);
  });

  it('refuses unknown paths and wrong methods before saying whether they exist', async () => {
    const app = guardedApp();
    expect((await app.request('/nope')).status).toBe(401);
    expect((await app.request('/things', { method: 'DELETE' })).status).toBe(401);
    expect((await app.request('/nope', { headers: { authorization: 'Bearer good' } })).status).toBe(404);
  });

  it('leaves open only the probes and the paths named open', async () => {
    const app = guardedApp();
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);
    expect((await app.request('/public-note')).status).toBe(200);
    expect((await app.request('/healthz/')).status).toBe(401);
    expect((await app.request('/things')).status).toBe(401);
    expect(requiresAuthentication(app)).toBe(true);
    expect(requiresAuthentication(testApp())).toBe(false);
  });
});
