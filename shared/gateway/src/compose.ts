import { join } from 'node:path';
import { accessTokenVerifier, openKeyStore } from '@retail/auth';
import { createLogger, parseEnv } from '@retail/kernel';
import { openPlatform } from '@retail/registry';
import { instanceName, type CellDescriptor } from '@retail/descriptor';
import { createCellGateway } from './cell-gateway.ts';
import { cellGatewayEnvSchema, upstreamsFrom, workloadSecretsFrom } from './env.ts';
import { createForwarder } from './forwarder.ts';
import { INTERNAL_TOKEN_TTL_SECONDS } from './internal-tokens.ts';
import { traceRelayRoute } from './trace-relay.ts';

/**
 * Composition root shared by every cell gateway: env → keys → verifier → routes. @retail/service
 * listens with it and closes the forwarder on shutdown, as for any cell process.
 */
export async function composeCellGateway(cell: CellDescriptor) {
  const env = parseEnv(cellGatewayEnvSchema(cell));
  // A partition's gateway is its own: its name, and its own internal-token keys (DATA_DIR/orders-2/gateway-keys).
  const self = instanceName(cell);
  const name = `${self}-gateway`;
  const logger = createLogger({ name, level: env.LOG_LEVEL, pretty: env.LOG_PRETTY, base: { cell: self, component: 'gateway' } });
  const internalKeys = await openKeyStore({
    dir: join(env.DATA_DIR, self, 'gateway-keys'),
    alg: 'EdDSA',
    maxTokenTtlSeconds: INTERNAL_TOKEN_TTL_SECONDS,
  });
  // The token service's access tokens: issuer, audience, algorithm and `typ: at+jwt` pinned.
  const verifyToken = accessTokenVerifier({ jwks: new URL(env.JWKS_URL), issuer: env.TOKEN_ISSUER, algorithms: ['ES256'] });
  const forwarder = createForwarder();
  // Read by the rate limiter on every request: the live configuration changes them in place.
  const limits = { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST };
  // Registered as `<cell>/gateway`; each component's instances found in the registry and balanced.
  const platform = openPlatform({ cell: self, component: 'gateway', env, logger });
  const upstreams = upstreamsFrom(cell, env);
  const pools = Object.fromEntries(
    cell.components.map((c) => [
      c.name,
      platform.pool({ name: `${self} ${c.name}`, cell: self, component: c.name, fallback: upstreams[c.name]! }),
    ]),
  );
  const app = createCellGateway({
    cell,
    logger,
    verifyToken,
    internalKeys,
    upstreams,
    pools,
    forwarder,
    workloadSecrets: workloadSecretsFrom(cell, env),
    rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST, trustProxy: false, live: limits },
  });
  const relay = env.OTLP_RELAY_URL ? traceRelayRoute(app, env.OTLP_RELAY_URL) : undefined;
  return {
    env,
    logger,
    app,
    platform,
    who: { cell: cell.name, partition: cell.partition, component: 'gateway' },
    live: {
      RATE_LIMIT_PER_SECOND: { initial: limits.perSecond, apply: (value: unknown) => (limits.perSecond = Number(value)) },
      RATE_LIMIT_BURST: { initial: limits.burst, apply: (value: unknown) => (limits.burst = Number(value)) },
    },
    resources: [forwarder.close, ...(relay ? [relay.close] : [])],
  };
}
