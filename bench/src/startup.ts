import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { planSystem, repoRoot } from '@retail/system';
import { tempDir } from '@retail/testing';
// Not exported by @retail/system (see bench/README.md): the same check `npm start` makes.
import { isPortOpen } from '@retail/system';
import { watchCpu } from './cpu-watch.ts';
import { onInterrupt } from './interrupts.ts';
import type { Log } from './log.ts';
import { round } from './stats.ts';

export interface StartupResult {
  /** Launch of `node compose/src/start.ts` → its ready line on stdout; null when skipped or FAILED. */
  seconds: number | null;
  /** What `npm start` itself reports in its ready line (measured from after its own checks). */
  selfReportedSeconds: number | null;
  /** It stopped on SIGTERM with exit code 0. */
  stoppedCleanly: boolean | null;
  /** CPU used by other processes on the machine until the ready line, in % of all cores. */
  otherCpuPercent?: number;
  skipped?: string;
  failure?: string;
}

const NATS_PORT = 4250;
const READY = /Cellular Retail is ready in ([\d.]+) s/;

/**
 * `npm start` as a user runs it (`node compose/src/start.ts`, which is what the script runs, without npm's
 * own start-up), with a fresh data directory of its own, timed to its ready line, then stopped with
 * SIGTERM. Its ports are fixed (the plan's, from the descriptors, and NATS 4250): when any is taken the row is
 * skipped.
 */
export async function measureStartup(options: { log: Log; timeoutSeconds?: number }): Promise<StartupResult> {
  const { log, timeoutSeconds = 60 } = options;
  const plans = planSystem({ dataDir: '.data', natsUrl: `nats://127.0.0.1:${NATS_PORT}` });
  // Every port a plan gives a process (its HTTP port, and any other, e.g. a metrics listener).
  const ports = [
    ...plans.flatMap((plan) =>
      Object.entries(plan)
        .filter((entry): entry is [string, number] => /port$/i.test(entry[0]) && typeof entry[1] === 'number')
        .map(([key, port]) => ({ port, name: key === 'port' ? plan.name : `${plan.name} ${key}` })),
    ),
    { port: NATS_PORT, name: 'nats-server' },
  ];
  const taken: string[] = [];
  for (const { port, name } of ports) if (await isPortOpen(port)) taken.push(`${port} (${name})`);
  if (taken.length) {
    const skipped = `ports of npm start are in use: ${taken.join(', ')}`;
    log(`start-up: SKIPPED — ${skipped}`);
    return { seconds: null, selfReportedSeconds: null, stoppedCleanly: null, skipped };
  }

  const data = tempDir('retail-bench-start-');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !['NATS_URL', 'NATS_PORT', 'DATA_DIR'].includes(key)) env[key] = value;
  env.DATA_DIR = join(data.path, 'data');
  log(`start-up: node compose/src/start.ts with DATA_DIR=${env.DATA_DIR}`);
  const cpu = watchCpu();
  const launched = performance.now();
  // Its own process group, so that a runner that does not stop can be killed with everything it started.
  const child = spawn(process.execPath, ['compose/src/start.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Its own group does not get the terminal's Ctrl-C: pass a stop of the bench on to it.
  const forget = onInterrupt(async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    data.remove();
  });
  const recent: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
  };
  createInterface({ input: child.stderr! }).on('line', keep);
  const ready = new Promise<{ seconds: number; self: number } | undefined>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const match = READY.exec(line);
      if (match) resolve({ seconds: (performance.now() - launched) / 1000, self: Number(match[1]) });
    });
    void exited.then(() => resolve(undefined));
    setTimeout(() => resolve(undefined), timeoutSeconds * 1000).unref();
  });
  const outcome = await ready;
  const exitedEarly = child.exitCode === null && child.signalCode === null ? undefined : { code: child.exitCode ?? child.signalCode };
  const otherCpuPercent = cpu.otherPercent();

  let stoppedCleanly = false;
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000).unref())]);
    if (code === 'hung') {
      log('start-up: npm start did not stop within 30 s of SIGTERM; killing its process group');
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    } else stoppedCleanly = code === 0;
  }
  forget();
  data.remove();

  if (!outcome) {
    const why = exitedEarly ? `it exited with code ${exitedEarly.code} before its ready line` : `no ready line within ${timeoutSeconds} s`;
    const failure = `${why}: ${recent.filter(Boolean).slice(-5).join(' | ')}`;
    log(`start-up: FAILED — ${failure}`);
    return { seconds: null, selfReportedSeconds: null, stoppedCleanly, otherCpuPercent, failure };
  }
  log(
    `start-up: ready after ${outcome.seconds.toFixed(2)} s (it says ${outcome.self} s); stopped ${stoppedCleanly ? 'cleanly' : 'NOT cleanly'}`,
  );
  return { seconds: round(outcome.seconds, 2), selfReportedSeconds: outcome.self, stoppedCleanly, otherCpuPercent };
}
