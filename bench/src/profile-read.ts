// npm run bench:profile:read — the read path (c), GET /api/products/<sku> through gateway-global and the
// products cell gateway to browse, loaded with autocannon while every process runs under the V8 CPU
// profiler: one .cpuprofile per process in BENCH_PROFILE_DIR (default bench/profiles/read), then the self
// time of gateway-global, the products gateway and browse by function, as profiles/read/summary.md, and a
// flame graph of each of the three (profiles/read/<process>.svg).
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@retail/testing';
import { shop } from '../../e2e/src/retail.ts';
import { apiClient } from '../../e2e/src/client.ts';
import { nowUs, startProfiledSystem } from './profiled-system.ts';
import { measureLoad } from './load.ts';
import { stderrLog } from './log.ts';
import { summariseProfiles } from './profile-summary.ts';
import { writeFlameGraph } from './flame-graph.ts';

const log = stderrLog();
const dir = process.env.BENCH_PROFILE_DIR || fileURLToPath(new URL('../profiles/read', import.meta.url));
const seconds = Number(process.env.BENCH_DURATION ?? 20);
const HOPS = ['gateway-global', 'products/gateway', 'products/browse'];
const system = await startProfiledSystem(dir, 250);
try {
  const api = apiClient(system.url);
  const customers = await shop(api);
  const sku = await customers.productWithStock('PROFILE-READ', 1000);
  await waitFor(async () => (await api.call('GET', `/api/products/${sku}`)).status === 200 || undefined, { what: `${sku} in browse` });
  const hops = HOPS.map((name) => ({ name, pid: system.process(name).pid() }));
  const load = (measured: number) =>
    measureLoad(
      {
        title: '(c) under the profiler',
        url: `${system.url}/api/products/${sku}`,
        headers: () => ({ authorization: `Bearer ${customers.alice}` }),
        connections: 64,
        warmupSeconds: 3,
        durationSeconds: measured,
        processes: hops,
      },
      log,
    );
  await load(3);
  const fromUs = nowUs();
  const result = await load(seconds);
  const window = { fromUs, toUs: nowUs() };
  await system.stop();
  const names = new Map(hops.map((h) => [h.pid, h.name]));
  // Only the three processes of the path are kept (V8 names each file CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile).
  for (const file of readdirSync(dir)) if (file.endsWith('.cpuprofile') && !names.has(Number(file.split('.')[3]))) rmSync(`${dir}/${file}`);
  const perRequest = Object.fromEntries(Object.entries(result.cpuUsPerRequest ?? {}));
  const summary = summariseProfiles(dir, names, window, perRequest, {
    title: `Read path (c) CPU profile (self time under ${result.requestsPerSecond ?? 0} req/s, 64 connections)`,
    unit: 'CPU µs per request',
    digits: 0,
  });
  // A flame graph per process, committed beside the summary (the .cpuprofile files are not: ~1.5 MB each).
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const name = names.get(Number(file.split('.')[3]))!;
    writeFlameGraph(`${dir}/${file}`, `${dir}/${name.replace('/', '-')}.svg`, `${name}, read path (c)`, window);
  }
  process.stdout.write(summary);
} catch (error) {
  await system.stop();
  throw error;
}
