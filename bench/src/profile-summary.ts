import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, shortened: a node: module, or the bundle's file under its component's folder. */
const place = (url: string) =>
  url.startsWith('node:')
    ? url
    : url.replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/(cells|gateway-global|shared)\//, '$1/');

/**
 * Each process's self time per function within `window` (monotonic µs, as V8's profile clock), the
 * heaviest functions first, and the CPU spent by each process in it (`cpuMsPerOrder`, per order of the
 * saga by default; `heading` names another unit), as markdown.
 */
export function summariseProfiles(
  dir: string,
  names: Map<number | undefined, string>,
  window: { fromUs: number; toUs: number },
  cpuMsPerOrder: Record<string, number> = {},
  heading: { title: string; unit: string; digits: number } = {
    title: 'Saga CPU profile (self time during the measured saga)',
    unit: 'CPU ms per order',
    digits: 2,
  },
) {
  const lines: string[] = [
    `# ${heading.title}`,
    '',
    'Sampled ms: wall time the profiler found the process not idle, which on a saturated machine includes',
    `time it waited for a core; compare functions within a process by their share, processes by ${heading.unit}.`,
    '',
  ];
  const totals: [string, number][] = [];
  const sections: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const pid = Number(file.split('.')[3]);
    const name = names.get(pid) ?? `pid ${pid}`;
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
    const keyOf = (node: ProfileNode) => {
      const fn = node.callFrame.functionName || '(anonymous)';
      return fn.startsWith('(') ? fn : `${fn} ${place(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    };
    const self = new Map<string, number>();
    // Inclusive: the sample counts for every function on its stack (once, however deep the recursion).
    const total = new Map<string, number>();
    let t = profile.startTime;
    let busy = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i] ?? 0;
      t += delta;
      if (t < window.fromUs || t > window.toUs) continue;
      const node = byId.get(profile.samples[i]!)!;
      if (node.callFrame.functionName === '(idle)') continue;
      busy += delta;
      const key = keyOf(node);
      self.set(key, (self.get(key) ?? 0) + delta);
      const onStack = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const k = keyOf(byId.get(id)!);
        if (k !== '(root)') onStack.add(k);
      }
      for (const k of onStack) total.set(k, (total.get(k) ?? 0) + delta);
    }
    totals.push([name, busy / 1000]);
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
    sections.push(
      `## ${name}: ${(busy / 1000).toFixed(0)} sampled ms`,
      '',
      '| self ms | % | function |',
      '| ---: | ---: | --- |',
      ...top.map(([k, us]) => `| ${(us / 1000).toFixed(1)} | ${((100 * us) / busy).toFixed(1)} | \`${k}\` |`),
      '',
      `Inclusive (the function and all it called), ${name}:`,
      '',
      '| total ms | % | function |',
      '| ---: | ---: | --- |',
      ...[...total.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 40)
        .map(([k, us]) => `| ${(us / 1000).toFixed(1)} | ${((100 * us) / busy).toFixed(1)} | \`${k}\` |`),
      '',
    );
  }
  lines.push(
    `| process | ${heading.unit} | sampled ms |`,
    '| --- | ---: | ---: |',
    ...totals
      .sort((a, b) => b[1] - a[1])
      .map(([n, ms]) => `| ${n} | ${cpuMsPerOrder[n]?.toFixed(heading.digits) ?? '–'} | ${ms.toFixed(0)} |`),
    '',
  );
  const text = [...lines, ...sections].join('\n');
  writeFileSync(join(dir, 'summary.md'), text);
  return text;
}
