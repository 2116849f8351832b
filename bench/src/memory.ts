import { readFileSync } from 'node:fs';
import type { Log } from './log.ts';
import { sleep } from './log.ts';

/** A process of the system under test, by the name the report shows. */
export interface WatchedProcess {
  name: string;
  pid: number | undefined;
}

export interface MemorySample {
  /** Resident set size in MiB, per process name (missing: the process was gone). */
  rssMiB: Record<string, number | null>;
  totalMiB: number;
  /**
   * The sum of proportional set sizes: each shared page (the node binary's code, mapped by every Node
   * process) counted once in all instead of once per process. What the system takes from the machine.
   */
  totalPssMiB: number;
}

/** VmRSS of a live process in KiB, from /proc/<pid>/status; undefined when it is gone. */
export function residentKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Pss of a live process in KiB, from /proc/<pid>/smaps_rollup; undefined when it is gone. */
function proportionalKiB(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function sampleMemory(processes: readonly WatchedProcess[]): MemorySample {
  const rssMiB: Record<string, number | null> = {};
  let total = 0;
  let pss = 0;
  for (const p of processes) {
    const kib = p.pid === undefined ? undefined : residentKiB(p.pid);
    rssMiB[p.name] = kib === undefined ? null : Math.round((kib / 1024) * 10) / 10;
    total += kib ?? 0;
    pss += (p.pid === undefined ? undefined : proportionalKiB(p.pid)) ?? 0;
  }
  const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;
  return { rssMiB, totalMiB: mib(total), totalPssMiB: mib(pss) };
}

/** CPU time (user + system) of a process in clock ticks, from /proc/<pid>/stat. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * Wait until the processes together use less than `maxCpuShare` of one core over a second (start-up
 * done, a saga's tail of events processed), at most `timeoutSeconds`, and at least one second.
 */
export async function waitUntilQuiet(
  processes: readonly WatchedProcess[],
  options: { timeoutSeconds: number; log: Log; what: string; maxCpuShare?: number },
): Promise<void> {
  const { timeoutSeconds, log, what, maxCpuShare = 0.05 } = options;
  const ticksPerSecond = 100; // USER_HZ on Linux
  const deadline = performance.now() + timeoutSeconds * 1000;
  const total = () => processes.reduce((sum, p) => sum + (p.pid === undefined ? 0 : cpuTicks(p.pid)), 0);
  let before = total();
  for (;;) {
    await sleep(1000);
    const after = total();
    const share = (after - before) / ticksPerSecond;
    before = after;
    if (share < maxCpuShare) return;
    if (performance.now() > deadline) {
      log(`${what}: still busy (${Math.round(share * 100)}% of a core) after ${timeoutSeconds} s; going on`);
      return;
    }
  }
}
