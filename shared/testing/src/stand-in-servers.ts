import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Plain HTTP servers on free loopback ports, standing in for the upstreams a test calls. */
export interface StandInServers {
  /** Serve `handler`; the server's base URL. */
  listen(handler: RequestListener): Promise<string>;
  /** A URL where nothing listens any more: calls to it are refused at once. */
  closedUrl(): Promise<string>;
  /** Close every server, hung connections included. */
  closeAll(): Promise<void>;
}

export function standInServers(): StandInServers {
  const servers: Server[] = [];
  const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  const listen = async (handler: RequestListener) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  return {
    listen,
    async closedUrl() {
      const url = await listen(() => {});
      await close(servers.pop()!);
      return url;
    },
    async closeAll() {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.splice(0).map(close));
    },
  };
}
