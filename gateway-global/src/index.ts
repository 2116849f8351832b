export { createApp, type GatewayDeps } from './app.ts';
export { loadEnv, type GatewayConfig } from './env.ts';
export { API_AUDIENCE, SIGNING_ALGORITHM, createApiTokenVerifier } from './oauth/token-profile.ts';
export { Scopes, CUSTOMER_SCOPES, ADMIN_SCOPES } from './oauth/scopes.ts';
export { createDemoUsers, DEMO_USERS, DEFAULT_DEMO_PASSWORDS, type DemoPasswords, type UserDirectory } from './oauth/demo-users.ts';
export { createMachineClients, clientSubject, type ClientDirectory } from './oauth/machine-clients.ts';
export type { CellGatewayTarget } from './edge/cell-routes.ts';
export type { RateLimitSettings } from '@retail/gateway';
export type { GatewayRequest } from './gateway-request.ts';
