// npm run build: bundle every process of the system (see build.ts); `--force` rebuilds up-to-date ones.
import { relative } from 'node:path';
import { buildBundles, deployableDirs } from './build.ts';
import { repoRoot } from './plan.ts';

const started = performance.now();
const { built, upToDate } = await buildBundles(deployableDirs(), { force: process.argv.includes('--force') });
const names = (dirs: string[]) => dirs.map((d) => relative(repoRoot, d)).join(', ');
console.log(
  `built ${built.length} bundle(s) in ${((performance.now() - started) / 1000).toFixed(1)} s${built.length ? `: ${names(built)}` : ''}`,
);
if (upToDate.length) console.log(`${upToDate.length} already up to date`);
