export { createForwarder, type Forwarder, type ForwardTarget, type ForwarderOptions } from './forwarder.ts';
export { createCellGateway, type CellGatewayDeps } from './cell-gateway.ts';
export type { CellHealth, ComponentHealth } from './cell-health.ts';
export { createInternalTokenMinter, type InternalTokenMinter } from './internal-tokens.ts';
export { cellGatewayEnvSchema, upstreamsFrom, type CellGatewayEnv } from './env.ts';
export { composeCellGateway } from './compose.ts';
export { rateLimit, type RateLimitOptions, type RateLimitSettings } from './rate-limit.ts';
export { createRateLimiter } from './token-bucket.ts';
export { clientAddress } from './client-address.ts';
