import { createConnection } from 'node:net';
import { natsServerBinary } from './nats-binary.ts';
import { freePort, waitFor } from './ports.ts';
import { realProcess, type RealProcess } from './process.ts';
import { tempDir } from './tempdir.ts';

export interface TestNats {
  url: string;
  port: number;
  storeDir: string;
  /** Stop the server (JetStream data stays on disk). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop and remove its store. */
  dispose(): Promise<void>;
  process: RealProcess;
}

/**
 * A private nats-server with JetStream file storage, on a free port, for one test file. `configFile` adds
 * a nats.conf (e.g. users and permissions; the port and store given here win over its own), and `env`
 * what it refers to (`$NATS_PASSWORD_...`).
 */
export async function startTestNats(options: { configFile?: string; env?: Record<string, string> } = {}): Promise<TestNats> {
  const port = await freePort();
  const store = tempDir('retail-nats-');
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store.path];
  if (options.configFile) args.push('-c', options.configFile);
  const proc = realProcess({ name: 'nats-server', command: natsServerBinary(), args, env: options.env });
  const start = async () => {
    await proc.start();
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = createConnection({ port, host: '127.0.0.1' }, () => {
            socket.end();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        }),
      { what: 'nats-server to listen' },
    ).catch((error: Error) => {
      // e.g. a config it cannot load: its own words say why
      throw new Error(`${error.message}\n--- nats-server output ---\n${proc.output()}`);
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir: store.path,
    stop: () => proc.stop(),
    start,
    dispose: async () => {
      await proc.stop();
      store.remove();
    },
    process: proc,
  };
}
