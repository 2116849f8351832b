import { spawn, type ChildProcess } from 'node:child_process';
import type { ProcessPlan } from './plan.ts';

const COLORS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];

export interface Supervisor {
  start(plan: ProcessPlan): Promise<void>;
  /** SIGTERM every process in reverse start order and wait for each (SIGKILL after 10 s). */
  stopAll(): Promise<void>;
}

export interface SupervisorOptions {
  /** Extra node flags, e.g. `--watch` for development. */
  nodeArgs?: string[];
  /** What node runs in each package folder: `src/main.ts` (the sources) or the bundle `dist/main.mjs`. */
  entry: string;
  color: boolean;
  /** Called when a process exits by itself (not during stopAll). */
  onUnexpectedExit(plan: ProcessPlan, code: number | null): void;
}

/** Starts the system's processes with prefixed logs and waits for each one's /readyz. */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const running: { plan: ProcessPlan; child: ChildProcess }[] = [];
  let stopping = false;
  const width = 24;

  const prefixer = (plan: ProcessPlan, index: number) => {
    const label = plan.name.padEnd(width);
    const prefix = options.color ? `\x1b[${COLORS[index % COLORS.length]}m${label}\x1b[0m│ ` : `${label}│ `;
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) process.stdout.write(`${prefix + line}\n`);
    };
  };

  return {
    async start(plan) {
      const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry], {
        cwd: plan.dir,
        env: { ...process.env, ...plan.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const write = prefixer(plan, running.length);
      child.stdout?.on('data', write);
      child.stderr?.on('data', write);
      child.once('exit', (code) => {
        if (!stopping) options.onUnexpectedExit(plan, code);
      });
      running.push({ plan, child });
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${plan.name} exited during start-up (code ${child.exitCode})`);
        const ready = await fetch(`${plan.url}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ready) return;
        if (Date.now() > deadline) throw new Error(`${plan.name} was not ready at ${plan.url}/readyz within 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stopAll() {
      stopping = true;
      for (const { child } of [...running].reverse()) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
