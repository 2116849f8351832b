import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { placeByRule } from '@retail/placement-contract';

type State = 'active' | 'draining' | 'down';

export interface StandInMap {
  version: number;
  cells: { cell: string; partitions: { name: string; state: State }[]; assignments: Record<string, string> }[];
}

export interface ReceivedCall {
  method: string;
  url: string;
  authorization?: string;
  ifNoneMatch?: string;
  body?: unknown;
}

export interface PlacementStandIn {
  url: string;
  /** Every call that reached it, oldest first. */
  calls: ReceivedCall[];
  /** The map it serves now. */
  map(): StandInMap;
  /** Change the orders cell of the map; the version goes up as the placement cell's does. */
  change(edit: (orders: StandInMap['cells'][number]) => void): void;
  /** How `POST /placement/assignments` answers; by default as the placement cell does (the map's, else the rule's, recorded). */
  answerAssignments(answer: ((customerId: string) => Promise<{ status: number; body: unknown }>) | undefined): void;
  /** Stop listening (the control plane is down); `start` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const readJson = (req: IncomingMessage) =>
  new Promise<unknown>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined));
  });

/**
 * Stands in for the placement cell's gateway (`GET /placement/map` with ETag and 304,
 * `POST /placement/assignments`), on a real port, for one partitioned cell `orders`.
 */
export async function placementStandIn(partitions: { name: string; state: State }[]): Promise<PlacementStandIn> {
  let map: StandInMap = { version: 1, cells: [{ cell: 'orders', partitions, assignments: {} }] };
  const calls: ReceivedCall[] = [];
  let answer: ((customerId: string) => Promise<{ status: number; body: unknown }>) | undefined;
  const orders = () => map.cells[0]!;
  const change = (edit: (cell: StandInMap['cells'][number]) => void) => {
    map = structuredClone(map);
    edit(orders());
    map.version += 1;
  };

  const byRule = async (customerId: string) => {
    const partition = orders().assignments[customerId] ?? placeByRule(customerId, orders().partitions);
    if (!partition) return { status: 503, body: { status: 503, detail: 'No partition is active.' } };
    if (!orders().assignments[customerId]) change((cell) => (cell.assignments[customerId] = partition));
    return { status: 201, body: { customerId, cell: 'orders', partition } };
  };

  const handle = async (req: IncomingMessage) => {
    const call: ReceivedCall = {
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      ifNoneMatch: req.headers['if-none-match'],
      body: await readJson(req),
    };
    calls.push(call);
    if (call.method === 'GET' && call.url === '/placement/map') {
      const etag = `"${map.version}"`;
      if (call.ifNoneMatch === etag) return { status: 304, headers: { etag } };
      return { status: 200, headers: { etag }, body: map };
    }
    if (call.method === 'POST' && call.url === '/placement/assignments') {
      const { customerId } = call.body as { customerId: string };
      return (answer ?? byRule)(customerId);
    }
    return { status: 404, body: { status: 404 } };
  };

  const server: Server = createServer((req, res) => {
    void handle(req).then(({ status, headers = {}, body }: { status: number; headers?: Record<string, string>; body?: unknown }) => {
      res.writeHead(status, body === undefined ? headers : { ...headers, 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    });
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    map: () => map,
    change,
    answerAssignments: (next) => (answer = next),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    start: () => listen(port),
  };
}
