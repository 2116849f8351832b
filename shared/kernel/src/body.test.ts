import { once } from 'node:events';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createServiceApp } from './app.ts';
import { bodyLimit, readBodyText, readJson } from './body.ts';
import { createLogger } from './logger.ts';
import { nodeBindings } from './node-bindings.ts';
import { serveApp, type RunningServer } from './serve.ts';

// Production reads bodies from Node's request (readBodyText); these tests go over a real socket so that
// this is the path they take. Each route says which source it read, so a test cannot pass on the other.

const LIMIT = 1024;
const logger = createLogger({ name: 'body-test', level: 'silent' });
const thing = z.object({ name: z.string().min(2), count: z.number().int() });
const readFrom = (c: Context) => (nodeBindings(c).incoming ? 'node' : 'request');

function withBodyRoutes(app: Hono<any>, limit: MiddlewareHandler) {
  app.post('/things', limit, async (c) => c.json({ thing: await readJson(c, thing), readFrom: readFrom(c) }, 201));
  app.post('/text', limit, async (c) => c.json({ text: await readBodyText(c), readFrom: readFrom(c) }));
  // Node may hold a request's stream paused (backpressure on its socket): the body is read all the same.
  app.post('/paused', limit, async (c) => {
    nodeBindings(c).incoming?.pause();
    await new Promise((resolve) => setTimeout(resolve, 20));
    return c.json({ thing: await readJson(c, thing), readFrom: readFrom(c) }, 201);
  });
  return app;
}

const passThrough: MiddlewareHandler = async (_c, next) => next();

/** The two ways a body limit is installed and a server runs in this repo. */
const setups = [
  {
    name: 'a service (createServiceApp’s limit; Node drains what is left unread)',
    app: () => withBodyRoutes(createServiceApp({ logger, maxBodyBytes: LIMIT }), passThrough),
    streamingBodies: false,
  },
  {
    name: 'a gateway endpoint (its own bodyLimit; the server leaves bodies to the handlers)',
    app: () => withBodyRoutes(createServiceApp({ logger, maxBodyBytes: null }), bodyLimit(LIMIT)),
    streamingBodies: true,
  },
];

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
  reusedSocket: boolean;
}

/**
 * POST over a real socket. A string is sent with its Content-Length; an array of chunks is sent as
 * they come (Transfer-Encoding: chunked), each written once the socket takes it.
 */
async function post(port: number, path: string, body: string | string[], options: { type?: string; agent?: Agent } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': options.type ?? 'application/json' };
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: options.agent, signal: AbortSignal.timeout(3_000) });
  const answered = new Promise<Answer>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? JSON.parse(text) : undefined,
          reusedSocket: req.reusedSocket,
        });
      });
    });
  });
  for (const chunk of typeof body === 'string' ? [body] : body) {
    if (!req.write(chunk)) await Promise.race([once(req, 'drain'), answered]);
  }
  req.end();
  return answered;
}

describe.each(setups)('request bodies over a real socket: $name', ({ app, streamingBodies }) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serveApp({ app: app(), port: 0, hostname: '127.0.0.1', logger, streamingBodies, lightweightResponses: false });
  });
  afterAll(() => server.close());

  it('reads a JSON body from the Node request, announced or chunked', async () => {
    const announced = await post(server.port, '/things', JSON.stringify({ name: 'widget', count: 3 }));
    expect(announced.status).toBe(201);
    expect(announced.body).toEqual({ thing: { name: 'widget', count: 3 }, readFrom: 'node' });
    const chunked = await post(server.port, '/things', ['{"name":', '"gadget",', '"count":4}']);
    expect(chunked.headers['content-type']).toContain('application/json');
    expect(chunked.body).toEqual({ thing: { name: 'gadget', count: 4 }, readFrom: 'node' });
  });

  it('answers malformed JSON and schema failures with 400 and the field errors', async () => {
    const malformed = await post(server.port, '/things', '{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toBe('application/problem+json');
    expect(malformed.body.errors).toEqual([{ path: '(body)', message: 'Malformed JSON' }]);
    const invalid = await post(server.port, '/things', JSON.stringify({ name: 'x', count: 1.5 }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['count', 'name']);
  });

  it('refuses another media type with 415 before reading', async () => {
    const res = await post(server.port, '/things', 'name=widget', { type: 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });

  it('refuses a body announced over the limit with 413', async () => {
    const res = await post(server.port, '/things', JSON.stringify({ name: 'z'.repeat(LIMIT), count: 1 }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, title: 'Content Too Large' });
  });

  it('refuses a chunked body once it passes the limit, and the connection goes on to serve the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const oneMiB = Array.from({ length: 256 }, () => 'y'.repeat(4096));
      const res = await post(server.port, '/things', ['{"name":"', ...oneMiB, '","count":1}'], { agent });
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.body).toMatchObject({ status: 413, detail: `The request body exceeds ${LIMIT} bytes.` });
      const next = await post(server.port, '/things', JSON.stringify({ name: 'after', count: 2 }), { agent });
      expect(next.status).toBe(201);
      expect(next.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('reads an empty body as empty text, which is not JSON', async () => {
    expect((await post(server.port, '/text', '')).body).toEqual({ text: '', readFrom: 'node' });
    expect((await post(server.port, '/text', [])).body).toEqual({ text: '', readFrom: 'node' });
    const empty = await post(server.port, '/things', '');
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ path: '(body)', message: 'Malformed JSON' }]);
  });

  it('reads a request stream that was held paused', async () => {
    const res = await post(server.port, '/paused', JSON.stringify({ name: 'paused', count: 5 }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ thing: { name: 'paused', count: 5 }, readFrom: 'node' });
  });
});

describe('request bodies under app.request() (route tests elsewhere)', () => {
  it('go through the same reader and limit, from the Request’s stream', async () => {
    const app = setups[0]!.app();
    const send = (body: string | ReadableStream) =>
      app.request('/things', { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    const ok = await send(JSON.stringify({ name: 'widget', count: 3 }));
    expect(await ok.json()).toEqual({ thing: { name: 'widget', count: 3 }, readFrom: 'request' });
    const tooLong = new Blob([JSON.stringify({ name: 'z'.repeat(LIMIT), count: 1 })]).stream();
    expect((await send(tooLong)).status).toBe(413);
  });
});
