import type { HttpBindings } from '@hono/node-server';

/** Under the Node server the raw request/response are bound; under `app.request()` in tests they are absent. */
export type GatewayRequest = {
  Bindings: Partial<HttpBindings>;
  Variables: { requestId: string };
};
