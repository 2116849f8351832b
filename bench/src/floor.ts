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

// The least a proxy hop in Node can do: undici's keep-alive Agent streaming the answer straight into the
// Node response (the gateways' own forwarding path), and nothing else.
const PROXY = `
const { Agent } = require('undici');
const agent = new Agent({ connections: 128, pipelining: 1, keepAliveTimeout: 30000 });
const origin = process.env.ORIGIN;
require('node:http')
  .createServer((req, res) => {
    const headers = {};
    for (const key in req.headers) if (key !== 'host' && key !== 'connection') headers[key] = req.headers[key];
    agent
      .stream({ origin, path: req.url, method: req.method, headers }, ({ statusCode, headers }) => {
        delete headers.connection;
        delete headers['keep-alive'];
        res.writeHead(statusCode, headers);
        return res;
      })
      .catch(() => res.destroy());
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

/**
 * The floor of the read path's cost per request: the same bytes a read answers with, served by Node's
 * http module alone, measured in the same run as the processes of the path.
 */
export function startFloorServer(body: string): Promise<FloorServer> {
  return startBare(SERVER, { FLOOR_BODY: body }, 'the bare node:http server');
}

/**
 * The floor of a proxy hop: a bare undici proxy in front of `origin` (a floor server), in a process of
 * its own. Run from the repository, where undici is installed.
 */
export function startBareProxy(origin: string): Promise<FloorServer> {
  return startBare(PROXY, { ORIGIN: origin }, 'the bare undici proxy');
}

async function startBare(source: string, env: Record<string, string>, what: string): Promise<FloorServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-e', source], { env: { PORT: String(port), ...env }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(async () => (await fetch(url).catch(() => undefined))?.ok, { what });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid!, stop };
}
