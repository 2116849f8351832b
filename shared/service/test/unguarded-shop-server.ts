import { createServiceApp } from '@retail/kernel';
import type { CellServiceContext, ComposedService } from '../src/compose.ts';
import { loadEnv } from './shop-server.ts';

export { loadEnv };

export function compose({ logger }: CellServiceContext<ReturnType<typeof loadEnv>>): ComposedService {
  const app = createServiceApp({ logger });
  app.get('/till', (c) => c.json({ open: true }));
  return { app };
}
