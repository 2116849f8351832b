import { spawn, type ChildProcess } from 'node:child_process';
import type { ProcessPlan } from './plan.ts';

const COLORS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];

/** `restarting`: it exited by itself and waits out its backoff before it is started again. */
export type ProcessState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface ProcessStatus {
  name: string;
  port: number;
  cell: string;
  kind: ProcessPlan['kind'];
  state: ProcessState;
  pid?: number;
  /** How often it was started again after exiting by itself. */
  restarts: number;
}

export interface Supervisor {
  /** Start a process (again) and wait for its /readyz; throws when it exits or is not ready in time. */
  start(plan: ProcessPlan): Promise<void>;
  /** Stop one process on purpose (SIGTERM, SIGKILL after 10 s): it is not restarted. */
  stop(name: string): Promise<void>;
  status(): ProcessStatus[];
  /** Stop it and drop it from the status: an instance scaled away. */
  remove(name: string): Promise<void>;
  /** Stop every process in reverse start order and wait for each; nothing is restarted afterwards. */
  stopAll(): Promise<void>;
}

/** A crashed process is started again after `initialMs`, doubling up to `maxMs`; back to `initialMs` once it stayed up `stableMs`. */
export interface RestartBackoff {
  initialMs: number;
  maxMs: number;
  stableMs: number;
}

export const DEFAULT_BACKOFF: RestartBackoff = { initialMs: 1_000, maxMs: 30_000, stableMs: 60_000 };

export interface SupervisorOptions {
  /** Extra node flags, e.g. `--watch` for development. */
  nodeArgs?: string[];
  /** What node runs in each package folder: `src/main.ts` (the sources) or the bundle `dist/main.mjs`. */
  entry: string;
  color: boolean;
  backoff?: RestartBackoff;
  /** How long a process may take to answer /readyz. */
  readyTimeoutMs?: number;
  /** The supervisor's own lines (a crash, a restart); console.error by default. */
  log?: (line: string) => void;
  /** Where the processes' output goes, line by line, prefixed with their name; stdout by default. */
  output?: (line: string) => void;
}

interface Managed {
  plan: ProcessPlan;
  prefix: string;
  state: ProcessState;
  child?: ChildProcess;
  /** Whether it should be running: false once stopped on purpose. */
  wanted: boolean;
  restarts: number;
  /** Being started on purpose: an exit now fails that start instead of being restarted. */
  launching: boolean;
  delayMs: number;
  startedAt: number;
  timer?: NodeJS.Timeout;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;
const alive = (child: ChildProcess | undefined): child is ChildProcess => !!child && child.exitCode === null && child.signalCode === null;

/** Runs the system's processes with prefixed logs, waits for each one's /readyz, and restarts one that crashes. */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const log = options.log ?? ((line: string) => console.error(line));
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const processes = new Map<string, Managed>();
  let stoppingAll = false;
  const width = 24;

  const register = (plan: ProcessPlan): Managed => {
    const known = processes.get(plan.name);
    if (known) return known;
    const label = plan.name.padEnd(width);
    const color = COLORS[processes.size % COLORS.length];
    const prefix = options.color ? `\x1b[${color}m${label}\x1b[0m│ ` : `${label}│ `;
    const managed: Managed = {
      plan,
      prefix,
      state: 'stopped',
      wanted: false,
      restarts: 0,
      launching: false,
      delayMs: backoff.initialMs,
      startedAt: 0,
    };
    processes.set(plan.name, managed);
    return managed;
  };

  const lines = (prefix: string) => {
    let partial = '';
    return (chunk: Buffer) => {
      const split = (partial + chunk.toString()).split('\n');
      partial = split.pop() ?? '';
      for (const line of split) if (line) output(prefix + line);
    };
  };

  const spawnChild = (managed: Managed): ChildProcess => {
    const { plan } = managed;
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry], {
      cwd: plan.dir,
      env: { ...process.env, ...plan.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const write = lines(managed.prefix);
    child.stdout?.on('data', write);
    child.stderr?.on('data', write);
    managed.child = child;
    managed.state = 'starting';
    managed.startedAt = Date.now();
    child.once('exit', (code, signal) => {
      if (managed.child === child) managed.child = undefined;
      if (stoppingAll || !managed.wanted || managed.launching) {
        managed.state = 'stopped';
        return;
      }
      if (Date.now() - managed.startedAt >= backoff.stableMs) managed.delayMs = backoff.initialMs;
      const delay = managed.delayMs;
      managed.delayMs = Math.min(delay * 2, backoff.maxMs);
      managed.state = 'restarting';
      log(`✖ ${plan.name} exited (${signal ? `signal ${signal}` : `code ${code}`}); restarting in ${seconds(delay)}`);
      managed.timer = setTimeout(() => void restart(managed), delay);
    });
    return child;
  };

  /** Polls /readyz until it answers; false when the child exited first (its exit handler has taken over). */
  const ready = async (managed: Managed, child: ChildProcess): Promise<boolean> => {
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (!alive(child) || managed.child !== child) return false;
      const ok = await fetch(`${managed.plan.url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok && managed.child === child && alive(child)) {
        managed.state = 'running';
        return true;
      }
      if (Date.now() > deadline)
        throw new Error(`${managed.plan.name} was not ready at ${managed.plan.url}/readyz within ${seconds(readyTimeoutMs)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const restart = async (managed: Managed) => {
    managed.timer = undefined;
    if (stoppingAll || !managed.wanted) return;
    managed.restarts++;
    const child = spawnChild(managed);
    try {
      if (await ready(managed, child)) log(`✔ ${managed.plan.name} is back (restart ${managed.restarts})`);
    } catch (error) {
      // Not ready in time: kill it, and its exit schedules the next attempt with a longer backoff.
      log(`✖ ${(error as Error).message}`);
      child.kill('SIGKILL');
    }
  };

  const terminate = async (managed: Managed) => {
    clearTimeout(managed.timer);
    managed.timer = undefined;
    const child = managed.child;
    if (alive(child)) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    managed.state = 'stopped';
  };

  return {
    async start(plan) {
      if (stoppingAll) throw new Error(`${plan.name} was not started: the system is stopping`);
      const managed = register(plan);
      managed.wanted = true;
      clearTimeout(managed.timer);
      managed.timer = undefined;
      // Started on purpose: a fresh backoff, and no second copy of one that is already up.
      managed.delayMs = backoff.initialMs;
      const child = alive(managed.child) ? managed.child : spawnChild(managed);
      const failed = (reason: string) => {
        managed.wanted = false;
        return new Error(`${plan.name} ${reason}`);
      };
      let up: boolean;
      managed.launching = true;
      try {
        up = await ready(managed, child);
      } catch (error) {
        await terminate(managed);
        throw failed(`was stopped: ${(error as Error).message}`);
      } finally {
        managed.launching = false;
      }
      if (!up) {
        await terminate(managed);
        throw failed(`exited during start-up (code ${child.exitCode ?? child.signalCode})`);
      }
    },
    async stop(name) {
      const managed = processes.get(name);
      if (!managed) throw new Error(`no process named ${name}`);
      managed.wanted = false;
      await terminate(managed);
    },
    async remove(name) {
      const managed = processes.get(name);
      if (!managed) return;
      managed.wanted = false;
      await terminate(managed);
      processes.delete(name);
    },
    status() {
      return [...processes.values()].map(({ plan, state, child, restarts }) => ({
        name: plan.name,
        port: plan.port,
        cell: plan.cell,
        kind: plan.kind,
        state,
        ...(alive(child) && child.pid !== undefined ? { pid: child.pid } : {}),
        restarts,
      }));
    },
    async stopAll() {
      stoppingAll = true;
      for (const managed of [...processes.values()].reverse()) await terminate(managed);
    },
  };
}
