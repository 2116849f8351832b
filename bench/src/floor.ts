import { spawn } from 'node:child_process';
import { freePort, waitFor } from '@retail/testing';

/** A bare `node:http` server in a process of its own, answering every request with one fixed JSON body. */
export interface FloorServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

// No framework, no routing, no logging: what any Node server spends on a request at the least.
const SERVER = `
const body = Buffer.from(process.env.FLOOR_BODY);
require('node:http')
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

/**
 * The floor of the read path's cost per request: the same bytes a read answers with, served by Node's
 * http module alone, measured in the same run as the processes of the path.
 */
export async function startFloorServer(body: string): Promise<FloorServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', SERVER], { env: { PORT: String(port), FLOOR_BODY: body }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(async () => (await fetch(url).catch(() => undefined))?.ok, { what: 'the bare node:http server' });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid!, stop };
}
