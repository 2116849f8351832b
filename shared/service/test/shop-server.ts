import { cellServiceEnv, createServiceApp, parseEnv } from '@retail/kernel';
import { z } from 'zod';
import type { CellServiceContext, ComposedService } from '../src/compose.ts';

export const loadEnv = () =>
  parseEnv(z.object(cellServiceEnv({ port: 0, cellGatewayUrl: 'http://127.0.0.1:9', workloadSecret: 'shop-core-workload-dev' })));
type Env = ReturnType<typeof loadEnv>;

export function compose({ cell, component, logger }: CellServiceContext<Env>): ComposedService {
  const app = createServiceApp({ logger });
  app.get('/whoami', (c) => c.json({ cell: cell.name, partition: cell.partition, component }));
  const closing = (what: string) => () => void process.stdout.write(`closed ${what}\n`);
  return { app, resources: [closing('the database'), closing('the bus')] };
}
