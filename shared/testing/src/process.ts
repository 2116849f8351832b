import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './ports.ts';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Polled until it answers 2xx. */
  readyUrl?: string;
  readyTimeoutMs?: number;
}

export interface RealProcess {
  name: string;
  pid(): number | undefined;
  /** Recent output, for failure messages. */
  output(): string;
  /** SIGTERM and wait for exit (SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no cleanup. */
  kill(): Promise<void>;
  /** Start it again with the same spec. */
  start(): Promise<void>;
}

/** A real OS process (a service, a gateway, nats-server), started and stopped by a test. */
export function realProcess(spec: ProcessSpec): RealProcess {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
    if (process.env.TEST_PROCESS_LOGS) process.stderr.write(`[${spec.name}] ${chunk}`);
  };

  const start = async () => {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const current = child;
    exited = new Promise((resolve) => current.once('exit', () => resolve()));
    if (spec.readyUrl) {
      const url = spec.readyUrl;
      await waitFor(
        async () => {
          if (current.exitCode !== null) throw new Error(`${spec.name} exited with ${current.exitCode}:\n${log}`);
          const res = await fetch(url).catch(() => undefined);
          return res?.ok;
        },
        { timeoutMs: spec.readyTimeoutMs ?? 20_000, what: `${spec.name} at ${url}` },
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n--- ${spec.name} output ---\n${log}`);
      });
    }
  };

  const signal = async (sig: NodeJS.Signals) => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    current.kill(sig);
    const timer = setTimeout(() => current.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  return {
    name: spec.name,
    pid: () => child?.pid,
    output: () => log,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    start,
  };
}
