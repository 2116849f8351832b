import { cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  totalMemoryGiB: number;
  kernel: string;
  /** 1-minute load average when the bench started: other work on the machine skews every figure. */
  loadAverage1m: number;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export const machineLine = (m: Machine) =>
  `${m.cores} cores · ${m.cpuModel} · Node ${m.node} · ${m.totalMemoryGiB} GiB RAM · Linux ${m.kernel} · load ${m.loadAverage1m} at start`;
