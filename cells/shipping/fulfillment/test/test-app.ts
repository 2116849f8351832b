import { createLogger, serveApp, type Logger } from '@retail/kernel';
import { createHttpClient } from '@retail/http-client';
import { createApp as createShipmentsApp, createShipments, openOwnDatabase } from '@retail/shipping-shipments';
import { internalTestTokens } from '@retail/testing';
import { fulfillmentHandlers } from '../src/handlers.ts';

/**
 * The real shipments core on a free port (in-memory database, in-memory internal keys) and
 * fulfillment's handlers commanding it over HTTP with a workload token, as in the running cell.
 */
export async function fulfillmentTestRig(options: { logger?: Logger } = {}) {
  const logger = options.logger ?? createLogger({ name: 'test', level: 'silent' });
  const database = openOwnDatabase(':memory:');
  const tokens = await internalTestTokens('shipping');
  const shipments = createShipments(database.db);
  const core = await serveApp({
    app: createShipmentsApp({ shipments, verifyToken: tokens.verifier, logger: createLogger({ name: 'core', level: 'silent' }) }),
    port: 0,
    hostname: '127.0.0.1',
    logger: createLogger({ name: 'core', level: 'silent' }),
  });
  const clientFor = (scopes: string[], baseUrl = `http://127.0.0.1:${core.port}`) =>
    createHttpClient({
      baseUrl,
      name: 'shipping shipments',
      timeoutMs: 1_000,
      token: () => tokens.sign({ sub: 'service:shipping/fulfillment', scopes }),
    });
  const client = clientFor(['shipping:internal']);
  const handlers = fulfillmentHandlers({ shipments: client, logger });
  return {
    handlers,
    logger,
    shipments,
    db: database.db,
    clientFor,
    close: async () => {
      await client.close();
      await core.close();
      database.close();
    },
  };
}
