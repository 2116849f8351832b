import type { BenchConfig } from './config.ts';
import { startBareProxy, startFloorServer } from './floor.ts';
import { measureLoad, type LoadResult } from './load.ts';
import { measurePaced } from './paced.ts';
import type { Log } from './log.ts';
import type { NginxChain } from './nginx.ts';
import { round } from './stats.ts';

/** Where one small JSON GET (product detail) can be sent, hop by hop. */
export interface GatewayPathTargets {
  /** The products service that answers it (browse), reached directly. */
  serviceUrl: string;
  /** The products cell gateway. */
  cellGatewayUrl: string;
  /** gateway-global, the public entry (`/api` + path). */
  globalUrl: string;
  /** e.g. `/products/BENCH-GET-…`, as the cell sees it. */
  path: string;
  /** A user's JWT from the token service, as clients send it. */
  userToken: string;
  /** A fresh internal token of the products cell, which the service accepts. */
  internalToken: () => Promise<string>;
  /** nginx as two plain proxy hops in front of `origin`; throws when nginx cannot be had. */
  startNginx: (origin: string) => Promise<NginxChain>;
  /** The processes of path (c), by name, whose CPU per request is measured against the floor's. */
  hops: readonly { name: string; pid?: number }[];
}

export interface GatewayRow {
  id: 'a' | 'b' | 'c' | 'd' | 'c-half' | 'c-paced' | 'floor' | 'floor-proxy';
  label: string;
  /** FAILED rows carry why; a row that could not run at all has no result. */
  result?: LoadResult;
  skipped?: string;
}

export interface GatewayPathResult {
  rows: GatewayRow[];
  /** Throughput ratios, e.g. `c/a` = 0.3 (gateway-global + cell gateway keep 30 % of the direct rate). */
  ratios: Record<'b/a' | 'c/a' | 'c/d', number | null>;
  /** p99 of (c) at half its peak rate, with autocannon's `overallRate` (bursts, see paced.ts). */
  halfRateP99Ms: number | null;
  /** p99 of (c) at the same rate, evenly paced. */
  pacedHalfRateP99Ms: number | null;
  /** CPU per request of each process on (c) against a bare node:http server's (the floor), same run; null when either failed. */
  readPathCpu: ReadPathCpu | null;
}

/** What each hop of the read path spends on a request, against the least a Node server spends. */
export interface ReadPathCpu {
  /** µs of CPU per request of a bare `node:http` server answering the same bytes. */
  floorUs: number;
  /** µs of CPU per request of a bare undici proxy in front of that server (the floor of a hop that forwards); null when it failed. */
  proxyUs: number | null;
  hops: { name: string; us: number; timesFloor: number }[];
}

export async function measureGatewayPath(targets: GatewayPathTargets, config: BenchConfig, log: Log): Promise<GatewayPathResult> {
  const run = (
    title: string,
    url: string,
    headers: () => Promise<Record<string, string>> | Record<string, string>,
    overallRate?: number,
    processes?: GatewayPathTargets['hops'],
  ) =>
    measureLoad(
      {
        title,
        url,
        headers,
        overallRate,
        processes,
        connections: config.connections,
        warmupSeconds: config.warmupSeconds,
        durationSeconds: config.durationSeconds,
      },
      log,
    );
  const internal = async () => ({ authorization: `Bearer ${await targets.internalToken()}` });
  const user = () => ({ authorization: `Bearer ${targets.userToken}` });
  const apiPath = `/api${targets.path}`;

  const rows: GatewayRow[] = [];
  const a = await run('(a) direct to the service', `${targets.serviceUrl}${targets.path}`, internal);
  rows.push({ id: 'a', label: 'direct to products/browse, internal token', result: a });
  const b = await run('(b) products cell gateway', `${targets.cellGatewayUrl}${targets.path}`, user);
  rows.push({ id: 'b', label: 'products cell gateway → browse, user JWT', result: b });
  const c = await run('(c) gateway-global', `${targets.globalUrl}${apiPath}`, user, undefined, targets.hops);
  rows.push({ id: 'c', label: 'gateway-global → cell gateway → browse, user JWT', result: c });
  // The floor, right after (c): the same answer's bytes from node:http alone.
  const body = await (await fetch(`${targets.serviceUrl}${targets.path}`, { headers: await internal() })).text();
  const floorServer = await startFloorServer(body);
  let floor: LoadResult;
  let proxied: LoadResult | undefined;
  let proxySkipped: string | undefined;
  try {
    floor = await run('(floor) bare node:http, same body', floorServer.url, () => ({}), undefined, [{ name: FLOOR, pid: floorServer.pid }]);
    // The floor of a hop that forwards: undici's Agent streaming the answer through, and nothing else.
    try {
      const proxy = await startBareProxy(floorServer.url);
      proxied = await run('(floor-proxy) bare undici proxy in front of it', proxy.url, () => ({}), undefined, [
        { name: PROXY, pid: proxy.pid },
      ]).finally(() => proxy.stop());
    } catch (error) {
      proxySkipped = (error as Error).message.split('\n')[0];
    }
  } finally {
    await floorServer.stop();
  }
  rows.push({ id: 'floor', label: `a bare node:http server answering the same ${body.length} bytes`, result: floor });
  rows.push({
    id: 'floor-proxy',
    label: 'a bare undici proxy (no framework) in front of that server',
    result: proxied,
    skipped: proxySkipped,
  });

  let d: LoadResult | undefined;
  let chain: NginxChain | undefined;
  try {
    chain = await targets.startNginx(targets.serviceUrl);
    d = await run('(d) nginx, two hops', `${chain.url}${apiPath}`, internal);
    rows.push({ id: 'd', label: 'nginx hop 1 → nginx hop 2 → browse, internal token', result: d });
  } catch (error) {
    log(`(d) nginx: could not run — ${(error as Error).message}`);
    rows.push({ id: 'd', label: 'nginx hop 1 → nginx hop 2 → browse, internal token', skipped: (error as Error).message.split('\n')[0] });
  } finally {
    await chain?.stop();
  }

  let half: LoadResult | undefined;
  let paced: LoadResult | undefined;
  if (c.requestsPerSecond) {
    const rate = Math.max(1, Math.round(c.requestsPerSecond / 2));
    half = await run('(c) at half its peak rate', `${targets.globalUrl}${apiPath}`, user, rate);
    rows.push({ id: 'c-half', label: `(c) at ${rate} req/s, half its peak: autocannon overallRate`, result: half });
    paced = await measurePaced(
      {
        title: '(c) at half its peak rate, paced',
        url: `${targets.globalUrl}${apiPath}`,
        headers: user(),
        rate,
        connections: config.connections,
        warmupSeconds: config.warmupSeconds,
        durationSeconds: config.durationSeconds,
      },
      log,
    );
    rows.push({ id: 'c-paced', label: `(c) at ${rate} req/s, half its peak: evenly paced`, result: paced });
  } else {
    for (const id of ['c-half', 'c-paced'] as const)
      rows.push({ id, label: '(c) at half its peak rate', skipped: '(c) FAILED, so it has no peak rate' });
  }

  const ratio = (x?: LoadResult, y?: LoadResult) =>
    x?.requestsPerSecond && y?.requestsPerSecond ? round(x.requestsPerSecond / y.requestsPerSecond, 3) : null;
  return {
    rows,
    ratios: { 'b/a': ratio(b, a), 'c/a': ratio(c, a), 'c/d': ratio(c, d) },
    halfRateP99Ms: half && !half.failure ? half.p99Ms : null,
    pacedHalfRateP99Ms: paced && !paced.failure ? paced.p99Ms : null,
    readPathCpu: readPathCpu(c, floor, proxied),
  };
}

const FLOOR = 'floor';
const PROXY = 'bare proxy';

function readPathCpu(c: LoadResult, floor: LoadResult, proxied: LoadResult | undefined): ReadPathCpu | null {
  const floorUs = floor.cpuUsPerRequest?.[FLOOR];
  if (c.failure || floor.failure || !floorUs || !c.cpuUsPerRequest) return null;
  const proxyUs = proxied && !proxied.failure ? proxied.cpuUsPerRequest?.[PROXY] : undefined;
  return {
    floorUs,
    proxyUs: proxyUs ?? null,
    hops: Object.entries(c.cpuUsPerRequest).map(([name, us]) => ({ name, us, timesFloor: round(us / floorUs, 2) })),
  };
}
