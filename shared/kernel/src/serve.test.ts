import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp } from './app.ts';
import { createLogger } from './logger.ts';
import { serveApp, type RunningServer } from './serve.ts';

const logger = createLogger({ name: 'serve-test', level: 'silent' });

/**
 * Sends `GET /hello` with a chunked body that never ends, a chunk every few milliseconds, and reports
 * what came back and whether the server hung up while the client was still sending.
 */
function getWithEndlessBody(port: number): Promise<{ answer: string; closedByServer: boolean; sentBytes: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sentBytes = 0;
    const chunk = `${(4096).toString(16)}\r\n${'x'.repeat(4096)}\r\n`;
    const timer = setInterval(() => {
      if (socket.writable) sentBytes += chunk.length;
      socket.write(chunk);
    }, 2);
    const giveUp = setTimeout(() => finish(false), 5_000);
    const finish = (closedByServer: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ answer, closedByServer, sentBytes });
    };
    socket.on('data', (data) => (answer += data.toString()));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.write('GET /hello HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
  });
}

describe.each([
  { name: 'a service', streamingBodies: false },
  { name: 'a gateway (bodies left unread for the forwarder)', streamingBodies: true },
])('$name', ({ streamingBodies }) => {
  let running: RunningServer;
  beforeAll(async () => {
    const app = createServiceApp({ logger, maxBodyBytes: streamingBodies ? null : 1024 });
    app.get('/hello', (c) => c.json({ hello: 'world' }));
    running = await serveApp({ app, port: 0, hostname: '127.0.0.1', logger, streamingBodies, releaseIdleMemory: false });
  });
  afterAll(() => running.close());

  it('answers a GET that never stops sending a body, then hangs up instead of reading the rest forever', async () => {
    const { answer, closedByServer } = await getWithEndlessBody(running.port);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(closedByServer).toBe(true);
  });
});
