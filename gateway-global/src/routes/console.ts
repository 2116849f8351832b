import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { bearerToken, hasScopes, type TokenVerifier } from '@retail/auth';
import type { CellGatewayTarget } from '../edge/cell-routes.ts';
import type { GatewayRequest } from '../gateway-request.ts';
import { probeCells, type HealthReport } from '../console/cell-health.ts';
import type { PlacementCache } from '../router/placement-cache.ts';
import { anonymousView, createEventFeed, type EventFeed, type FeedEvent, type FeedMessage } from '../console/event-feed.ts';
import { OPERATOR_SCOPE } from '../oauth/scopes.ts';
import { describeTopology } from '../console/topology-view.ts';
import { sendFile, staticFiles } from './static-files.ts';
import type { InstanceEntry } from '@retail/registry';
import { asyncApiJson } from '@retail/contracts';
import { cells } from '@retail/topology';

export interface ConsoleRouteDeps {
  cellGateways: readonly CellGatewayTarget[];
  /** The cell router's copy of the placement map: the console shows the customers of each partition. */
  placement?: PlacementCache;
  /** Live events from NATS; without one the console says there is no feed. */
  eventFeed?: EventFeed;
  /** How long to wait for each cell gateway's health answer. */
  healthTimeoutMs?: number;
  /** Time between SSE keep-alive comments (proxies drop idle streams). */
  heartbeatMs?: number;
  /** This token service's own tokens: an operator's (OPERATOR_SCOPE) sees events with their ids. */
  verifyToken: TokenVerifier;
  /** The live instances from the registry, and whether it is read live now; undefined without discovery. */
  registry?: () => { live: boolean; instances: readonly InstanceEntry[] } | undefined;
}

/** What `GET /console/instances` answers: every live instance and what it runs with. */
export interface InstancesReport {
  /** `live`: read from the registry now; `unreachable`: the instances last known; `off`: no discovery (DISCOVERY=static). */
  registry: 'live' | 'unreachable' | 'off';
  instances: (Omit<InstanceEntry, 'url' | 'host' | 'pid'> & Partial<Pick<InstanceEntry, 'url' | 'host' | 'pid'>>)[];
}

const pageDir = fileURLToPath(new URL('../console/page', import.meta.url));

let catalog: string | undefined;
/** The AsyncAPI document of the system's events, generated once a process. */
const eventCatalog = () => (catalog ??= asyncApiJson(cells));

/**
 * The operator console: a page that draws the cells from their descriptors, with live health and
 * events. Read-only and open, like a status page; it shows envelopes of events, never their data, and
 * to anonymous viewers not even the ids in them. `GET /console/events` with an operator's bearer token
 * (scope OPERATOR_SCOPE) has the ids too.
 */
export function consoleRoutes(deps: ConsoleRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const read = staticFiles(pageDir);
  const feed = deps.eventFeed ?? createEventFeed();
  const topology = describeTopology(deps.cellGateways.map((g) => g.cell));
  const partitioned = topology.cells.filter((c) => c.partitions).map((c) => c.name);
  const { heartbeatMs = 15_000, healthTimeoutMs = 1_000 } = deps;
  const asyncApi = eventCatalog();

  app.get('/console/topology', (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.json(topology);
  });

  app.get('/console/health', async (c) => {
    c.header('Cache-Control', 'no-store');
    const report: HealthReport = {
      checkedAt: new Date().toISOString(),
      cells: await probeCells(deps.cellGateways, healthTimeoutMs),
      router: deps.placement ? partitioned.map((cell) => deps.placement!.overview(cell)) : [],
    };
    return c.json(report);
  });

  const isOperator = async (authorization: string | undefined) => {
    const token = bearerToken(authorization);
    return token !== undefined && hasScopes(await deps.verifyToken(token), [OPERATOR_SCOPE]);
  };

  // Each instance with its effective configuration (non-secret settings, and where each came from); where
  // it listens (address, host, pid) only to an operator, as for the ids in the event feed.
  app.get('/console/instances', async (c) => {
    c.header('Cache-Control', 'no-store');
    const seen = deps.registry?.();
    const operator = await isOperator(c.req.header('authorization'));
    const report: InstancesReport = {
      registry: !seen ? 'off' : seen.live ? 'live' : 'unreachable',
      instances: (seen?.instances ?? []).map(({ url, host, pid, ...entry }) => (operator ? { ...entry, url, host, pid } : entry)),
    };
    return c.json(report);
  });

  app.get('/console/events', async (c) => {
    const operator = await isOperator(c.req.header('authorization'));
    const shown = operator ? (event: FeedEvent) => event : anonymousView;
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const send = (message: FeedMessage) => {
        if (message.kind === 'event')
          return stream.writeSSE({ event: 'cloudevent', id: String(message.event.seq), data: JSON.stringify(shown(message.event)) });
        if (message.kind === 'status') return stream.writeSSE({ event: 'status', data: JSON.stringify(message.status) });
        return stream.close();
      };
      let ended: () => void = () => {};
      const done = new Promise<void>((resolve) => (ended = resolve));
      const unsubscribe = feed.subscribe((message) => {
        void send(message);
        if (message.kind === 'closed') ended();
      });
      stream.onAbort(ended);
      await stream.writeSSE({ event: 'status', data: JSON.stringify(feed.status()), retry: 3_000 });
      for (const event of feed.recent()) await send({ kind: 'event', event });
      const heartbeat = setInterval(() => void stream.write(': keep-alive\n\n'), heartbeatMs);
      await done;
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  // The event catalog: every subject with its producer, consumers and payload schema, as AsyncAPI 3.0. Of
  // the system's declared cells, like the committed shared/contracts/asyncapi.json (the same text).
  app.get('/console/asyncapi.json', (c) =>
    c.body(asyncApi, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );

  // The page and its script and styles; `/console` itself is the page.
  app.get('/console/*', async (c, next) => {
    const rest = c.req.path.slice('/console'.length);
    const file = await read(rest === '' || rest === '/' ? '/index.html' : rest);
    return file ? sendFile(c, file) : next();
  });

  return app;
}
