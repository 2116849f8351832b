import { openKeyStore } from '@retail/auth';
import { createForwarder } from '@retail/gateway';
import { createLogger } from '@retail/kernel';
import { productsCell } from '@retail/products-contract';
import type { Hono } from 'hono';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { createApp, type GatewayDeps } from '../src/app.ts';
import type { GatewayRequest } from '../src/gateway-request.ts';
import { createCustomerStore } from '../src/accounts/customer-store.ts';
import { openAccountsDatabase } from '../src/accounts/open.ts';
import type { DemoPasswords } from '../src/oauth/demo-users.ts';
import { createUserDirectory, type UserDirectory } from '../src/oauth/user-directory.ts';
import { createMachineClients } from '../src/oauth/machine-clients.ts';
import { API_AUDIENCE } from '../src/oauth/token-profile.ts';

export const TEST_ISSUER = 'http://gateway.test';
export const TEST_CLIENT_SECRETS = { products: 'products-test-secret', orders: 'orders-test-secret' };

let users: Promise<UserDirectory> | undefined;

/** The seeded accounts (demo ones by default) and a fresh, in-memory database of registered customers. */
export function testUsers(passwords?: DemoPasswords): Promise<UserDirectory> {
  return createUserDirectory(createCustomerStore(openAccountsDatabase(':memory:').db), passwords);
}

/** Deps for an in-process gateway: in-memory keys, demo users, no registered customers, rate limiting off unless asked. */
export async function testDeps(overrides: Partial<GatewayDeps> = {}): Promise<GatewayDeps> {
  users ??= testUsers();
  return {
    logger: createLogger({ name: 'gateway-global-test', level: 'silent' }),
    keys: overrides.keys ?? (await openKeyStore({ alg: 'ES256' })),
    issuer: TEST_ISSUER,
    tokenTtlSeconds: 900,
    users: await users,
    clients: createMachineClients(TEST_CLIENT_SECRETS),
    cellGateways: [{ cell: productsCell, url: 'http://127.0.0.1:9' }],
    forwarder: createForwarder({ timeoutMs: 2_000 }),
    rateLimit: { perSecond: 0, burst: 100, trustProxy: false },
    corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
    ...overrides,
  };
}

export async function testGateway(overrides: Partial<GatewayDeps> = {}) {
  const deps = await testDeps(overrides);
  return { app: createApp(deps), deps };
}

type App = Hono<GatewayRequest>;

export function postToken(app: App, params: Record<string, string>, headers: Record<string, string> = {}) {
  return app.request('/auth/token', { method: 'POST', body: new URLSearchParams(params), headers });
}

/** `POST /auth/register` with a JSON body, from a client address of the test's choosing. */
export function postRegister(app: App, body: unknown, ip = '10.0.0.1') {
  return app.request(
    '/auth/register',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    { incoming: { socket: { remoteAddress: ip } } },
  );
}

/** An access token for a demo user (password grant). */
export async function userToken(app: App, email: string, password: string, scope?: string): Promise<string> {
  const res = await postToken(app, { grant_type: 'password', username: email, password, ...(scope ? { scope } : {}) });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Verify a token the way a cell gateway does: against the JWKS this app serves, with issuer and audience pinned. */
export async function verifyWithServedJwks(app: App, token: string) {
  const jwks = (await (await app.request('/.well-known/jwks.json')).json()) as JSONWebKeySet;
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: TEST_ISSUER, audience: API_AUDIENCE, algorithms: ['ES256'] });
}
