// npm run bench:read — only the read path's cost per request: (c), GET /api/products/<sku> through
// gateway-global and the products cell gateway to browse, with each process's CPU per request, then the
// floor (a bare node:http server answering the same bytes) and a bare undici proxy in front of it (the
// floor of a hop that forwards) in the same run. A minute and a half instead
// of the whole bench's half hour: for trying one change to a hop at a time. BENCH_DURATION (default 10 s)
// per measured run, BENCH_REPEAT runs of (c) (default 3, the median reported), BENCH_CLIENTS (default 64)
// connections.
import { BUNDLE, buildBundles, deployableDirs } from '@retail/system';
import { waitFor } from '@retail/testing';
import { shop } from '../../e2e/src/retail.ts';
import { apiClient } from '../../e2e/src/client.ts';
import { startTestSystem } from '../../e2e/src/system.ts';
import { startBareProxy, startFloorServer } from './floor.ts';
import { measureLoad, type LoadResult } from './load.ts';
import { stderrLog } from './log.ts';
import { round } from './stats.ts';

const log = stderrLog();
const seconds = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CLIENTS ?? 64);
const repeats = Number(process.env.BENCH_REPEAT ?? 3);
const HOPS = ['gateway-global', 'products/gateway', 'products/browse'];

await buildBundles(deployableDirs());
const system = await startTestSystem({
  entry: BUNDLE,
  conformance: false,
  extraEnv: { RATE_LIMIT_PER_SECOND: '0', LOGIN_MAX_FAILURES_PER_CLIENT: '1000000' },
});
try {
  const api = apiClient(system.url);
  const customers = await shop(api);
  const sku = await customers.productWithStock('READ-PATH', 1000);
  const url = `${system.url}/api/products/${sku}`;
  const headers = () => ({ authorization: `Bearer ${customers.alice}` });
  await waitFor(async () => (await api.call('GET', `/api/products/${sku}`)).status === 200 || undefined, { what: `${sku} in browse` });
  const processes = HOPS.map((name) => ({ name, pid: system.process(name).pid() }));
  // The median of a few runs: on a shared 2-core machine one run's CPU per request can be off by a third.
  const runs: LoadResult[] = [];
  for (let i = 0; i < repeats; i++)
    runs.push(
      await measureLoad(
        {
          title: `(c) ${i + 1}/${repeats}`,
          url,
          headers,
          connections,
          warmupSeconds: i === 0 ? 3 : 1,
          durationSeconds: seconds,
          processes,
        },
        log,
      ),
    );
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  const c = {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond ?? 0)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    failure: runs.find((r) => r.failure)?.failure,
    cpuUsPerRequest: Object.fromEntries(HOPS.map((name) => [name, median(runs.map((r) => r.cpuUsPerRequest?.[name] ?? Number.NaN))])),
  };
  const body = await (await fetch(url, { headers: headers() })).text();
  const floorServer = await startFloorServer(body);
  const proxy = await startBareProxy(floorServer.url).catch(async (error) => {
    await floorServer.stop();
    throw error;
  });
  const bare = (title: string, target: string, name: string, pid: number) =>
    measureLoad({ title, url: target, connections, warmupSeconds: 2, durationSeconds: seconds, processes: [{ name, pid }] }, log);
  let floor: LoadResult;
  let proxied: LoadResult;
  try {
    floor = await bare('(floor)', floorServer.url, 'floor', floorServer.pid);
    // The floor of a hop that forwards: the bare proxy's own CPU, its upstream's not counted.
    proxied = await bare('(bare proxy)', proxy.url, 'proxy', proxy.pid);
  } finally {
    await Promise.all([proxy.stop(), floorServer.stop()]);
  }
  const floorUs = floor.cpuUsPerRequest?.floor ?? Number.NaN;
  const proxyUs = proxied.cpuUsPerRequest?.proxy ?? Number.NaN;
  const lines = [
    `(c) ${c.failure ? `FAILED: ${c.failure}` : c.requestsPerSecond} req/s, p99 ${c.p99Ms} ms (median of ${repeats}); floor ${floor.requestsPerSecond} req/s, ${floorUs} µs per request`,
    `bare undici proxy in front of it: ${proxyUs} µs per request (${round(proxyUs / floorUs, 1)}× the floor)`,
    ...Object.entries(c.cpuUsPerRequest ?? {}).map(
      ([name, us]) =>
        `  ${name.padEnd(18)} ${String(us).padStart(6)} µs  ${round(us / floorUs, 1)}× the floor` +
        (name.endsWith('browse') ? '' : `, ${round(us / proxyUs, 1)}× the bare proxy`),
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await system.stop();
}
