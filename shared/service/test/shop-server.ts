import { requireInternalToken } from '@retail/auth';
import { cellServiceEnv, createServiceApp, parseEnv } from '@retail/kernel';
import { z } from 'zod';
import type { CellServiceContext, ComposedService } from '../src/compose.ts';

export const loadEnv = () =>
  parseEnv(z.object(cellServiceEnv({ port: 0, cellGatewayUrl: 'http://127.0.0.1:9', workloadSecret: 'shop-core-workload-dev' })));
type Env = ReturnType<typeof loadEnv>;

export function compose({ cell, component, logger, verifyToken }: CellServiceContext<Env>): ComposedService {
  // /whoami is open for the test to read without a token; every other path needs the gateway's.
  const app = createServiceApp({ logger, authenticate: requireInternalToken(verifyToken), openPaths: ['/whoami'] });
  app.get('/whoami', (c) => c.json({ cell: cell.name, partition: cell.partition, component }));
  const closing = (what: string) => () => void process.stdout.write(`closed ${what}\n`);
  return { app, resources: [closing('the database'), closing('the bus')] };
}
