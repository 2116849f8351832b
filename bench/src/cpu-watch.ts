import { readdirSync, readFileSync } from 'node:fs';

/** A window over which to see who used the CPU. */
export interface CpuWindow {
  /**
   * Share of the whole machine's CPU (all cores = 100 %) used since the window opened by processes
   * outside this bench's process tree (the bench, the system it started, nginx, npm start): other
   * people's work, which skews every figure measured meanwhile.
   */
  otherPercent(): number;
}

function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  return { busy, total: busy + idle! + iowait! };
}

/** CPU ticks of every live process in the tree under `root`, by pid. */
function treeTicks(root: number): Map<number, number> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const out = new Map<number, number>();
  const queue = [root];
  while (queue.length) {
    const pid = queue.pop()!;
    const s = stats.get(pid);
    if (s) out.set(pid, s.ticks);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export function watchCpu(root = process.pid): CpuWindow {
  const machine = machineTicks();
  const ours = treeTicks(root);
  return {
    otherPercent() {
      const now = machineTicks();
      let oursDelta = 0;
      for (const [pid, ticks] of treeTicks(root)) oursDelta += ticks - (ours.get(pid) ?? 0);
      const total = now.total - machine.total;
      if (total <= 0) return 0;
      const other = Math.max(0, now.busy - machine.busy - oursDelta);
      return Math.round((other / total) * 1000) / 10;
    },
  };
}

/**
 * How much of the machine other processes use, over `windowSeconds`; with `maxWaitSeconds`, windows are
 * repeated until it is under `quietPercent` or the time is up. Returns the last window's share.
 */
export async function otherCpuBeforeStart(options: {
  maxWaitSeconds: number;
  windowSeconds?: number;
  quietPercent?: number;
  log: (m: string) => void;
}): Promise<number> {
  const { maxWaitSeconds, windowSeconds = 2, quietPercent = 10, log } = options;
  const deadline = performance.now() + maxWaitSeconds * 1000;
  let lastSaid = 0;
  for (;;) {
    const window = watchCpu();
    await new Promise((r) => setTimeout(r, windowSeconds * 1000));
    const percent = window.otherPercent();
    if (percent < quietPercent || performance.now() >= deadline) return percent;
    if (performance.now() - lastSaid >= 10_000) {
      lastSaid = performance.now();
      log(
        `other processes are using ${percent} % of the machine's CPU; waiting for it to be quiet (up to ${Math.round((deadline - performance.now()) / 1000)} s more)`,
      );
    }
  }
}

/** Milliseconds of CPU (user + system) a process has used since it started; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * CPU each process spends over a span, in ms, less what it spends when idle (heartbeats, the registry,
 * timers), which is measured over `baselineMs` first; the bench's own process (the load generator) as `bench`.
 */
export async function cpuSpentBy(processes: readonly { name: string; pid?: number }[], baselineMs = 3_000) {
  const all = [...processes, { name: 'bench', pid: process.pid }];
  const sample = () => new Map(all.map((p) => [p.name, p.pid === undefined ? undefined : processCpuMs(p.pid)]));
  const quiet = sample();
  await new Promise((resolve) => setTimeout(resolve, baselineMs));
  const before = sample();
  const startedAt = performance.now();
  return () => {
    const elapsed = performance.now() - startedAt;
    const spent: Record<string, number> = {};
    for (const p of all) {
      const [idleStart, start] = [quiet.get(p.name), before.get(p.name)];
      const end = p.pid === undefined ? undefined : processCpuMs(p.pid);
      if (idleStart === undefined || start === undefined || end === undefined) continue;
      const idlePerMs = p.name === 'bench' ? 0 : (start - idleStart) / baselineMs;
      spent[p.name] = Math.max(0, end - start - idlePerMs * elapsed);
    }
    return spent;
  };
}
