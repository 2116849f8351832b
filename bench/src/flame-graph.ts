import { readFileSync, writeFileSync } from 'node:fs';
import type { CpuProfile, ProfileNode } from './profile-summary.ts';

const WIDTH = 1200;
const ROW = 16;
/** Frames narrower than this share of the whole are left out (and so is what they called). */
const MIN_SHARE = 0.002;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Node's own code blue, the bundle (Hono, undici, OpenTelemetry, drizzle, ours) warm, V8's own entries grey. */
function colour(node: ProfileNode) {
  const { functionName, url } = node.callFrame;
  if (functionName.startsWith('(') || url === '') return '#c8c8c8';
  if (url.startsWith('node:')) return '#8fb8e0';
  const hue = 20 + ((functionName.length * 7) % 30);
  return `hsl(${hue}, 85%, 62%)`;
}

const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (name.startsWith('(') || !url) return name;
  return `${name} ${url.replace(/^.*\/(cells|gateway-global|shared|node_modules)\//, '$1/')}:${lineNumber + 1}`;
};

/**
 * A flame graph (SVG, the callers at the bottom, each frame as wide as the time spent in it and all it
 * called) of one `.cpuprofile`, from the samples taken within `window` (monotonic µs); idle time is left out.
 * Hovering a frame shows its name, place and share.
 */
export function writeFlameGraph(profileFile: string, svgFile: string, title: string, window: { fromUs: number; toUs: number }) {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < window.fromUs || t > window.toUs) continue;
    const id = profile.samples[i]!;
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = new Map<number, number>();
  const sum = (node: ProfileNode): number => {
    let value = self.get(node.id) ?? 0;
    for (const child of node.children ?? []) value += sum(byId.get(child)!);
    total.set(node.id, value);
    return value;
  };
  const root = profile.nodes[0]!;
  const all = sum(root) || 1;

  const frames: { node: ProfileNode; x: number; depth: number; width: number }[] = [];
  const place = (node: ProfileNode, x: number, depth: number) => {
    const width = (total.get(node.id)! / all) * WIDTH;
    frames.push({ node, x, depth, width });
    let at = x;
    for (const child of [...(node.children ?? [])].map((id) => byId.get(id)!).sort((a, b) => label(a).localeCompare(label(b)))) {
      const share = total.get(child.id)! / all;
      if (share >= MIN_SHARE) place(child, at, depth + 1);
      at += share * WIDTH;
    }
  };
  place(root, 0, 0);
  const depth = Math.max(...frames.map((f) => f.depth)) + 1;
  const height = (depth + 2) * ROW;
  const rects = frames.map(({ node, x, depth: d, width }) => {
    const y = height - (d + 1) * ROW;
    const name = d === 0 ? 'all' : label(node);
    const share = ((100 * total.get(node.id)!) / all).toFixed(1);
    const text = width > 30 ? escapeXml(name.slice(0, Math.floor(width / 6.5))) : '';
    return `<g><title>${escapeXml(name)} — ${(total.get(node.id)! / 1000).toFixed(0)} ms, ${share} %</title><rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(width - 0.5, 0.5).toFixed(1)}" height="${ROW - 1}" fill="${d === 0 ? '#e0e0e0' : colour(node)}"/><text x="${(x + 3).toFixed(1)}" y="${y + 11}">${text}</text></g>`;
  });
  writeFileSync(
    svgFile,
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="monospace" font-size="10">`,
      `<title>${escapeXml(title)}: flame graph</title>`,
      `<text x="4" y="12" font-size="12">${escapeXml(title)} (${(all / 1000).toFixed(0)} sampled ms; frames under ${MIN_SHARE * 100} % left out)</text>`,
      ...rects,
      '</svg>',
      '',
    ].join('\n'),
  );
}
