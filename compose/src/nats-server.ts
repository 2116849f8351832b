import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

export const NATS_INSTALL_HINT = 'nats-server is not installed. Install it with `sudo apt-get install nats-server` (Debian/Ubuntu), `brew install nats-server` (macOS), or point NATS_URL at a running server.';

export function findNatsServer(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin']);
  if (process.env.NATS_SERVER_BIN) return existsSync(process.env.NATS_SERVER_BIN) ? process.env.NATS_SERVER_BIN : undefined;
  return dirs.map((d) => join(d, 'nats-server')).find((p) => existsSync(p));
}

export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A private nats-server with JetStream stored under the data directory. */
export async function startNatsServer(options: { binary: string; port: number; dataDir: string; onOutput: (line: string) => void }): Promise<ChildProcess> {
  const storeDir = join(options.dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const child = spawn(options.binary, ['-a', '127.0.0.1', '-p', String(options.port), '-js', '-sd', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(options.onOutput);
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const deadline = Date.now() + 10_000;
  while (!(await isPortOpen(options.port))) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('nats-server did not start listening within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}
