import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

/** Where to find nats-server, or an error that says how to install it (one wording for the runner and the tests). */
export { natsServerBinary } from '@retail/testing/nats-binary';

export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A private nats-server on 127.0.0.1, run with `config` (nats.conf text, see nats-auth.ts) written under
 * the data directory; `env` carries what the config refers to (the users' passwords).
 */
export async function startNatsServer(options: {
  binary: string;
  port: number;
  dataDir: string;
  config: string;
  env: Record<string, string>;
  onOutput: (line: string) => void;
}): Promise<ChildProcess> {
  mkdirSync(options.dataDir, { recursive: true });
  const configFile = join(options.dataDir, 'nats.conf');
  writeFileSync(configFile, options.config);
  const child = spawn(options.binary, ['-a', '127.0.0.1', '-p', String(options.port), '-c', configFile], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A binary that cannot be run (not executable, removed since it was found) is reported as an
  // 'error' event, which would otherwise crash the runner with a bare `spawn … EACCES`.
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const recent: string[] = [];
  const forward = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((line) => {
        recent.push(line);
        if (recent.length > 10) recent.shift();
        options.onOutput(line);
      });
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const deadline = Date.now() + 10_000;
  while (!(await isPortOpen(options.port))) {
    if (spawnError) throw new Error(`nats-server could not be started: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}:\n  ${recent.join('\n  ')}`);
    if (Date.now() > deadline) throw new Error('nats-server did not start listening within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}
