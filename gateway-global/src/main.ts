import { startTelemetry } from '@retail/telemetry';

// Telemetry first: everything that does HTTP is imported only after the SDK has hooked it.
const telemetry = startTelemetry({ serviceName: 'gateway-global', cell: 'edge', httpClientSpans: false });
const { runMain } = await import('@retail/kernel');

runMain(async () => {
  // drizzle's CommonJS build, before anything imports drizzle (see @retail/data's patches).
  await import('@retail/data/register');
  const { createLogger, serveApp } = await import('@retail/kernel');
  const { openKeyStore } = await import('@retail/auth');
  const { createForwarder } = await import('@retail/gateway');
  const { loadEnv } = await import('./env.ts');
  const { createApp } = await import('./app.ts');
  const { openAccountsDatabase } = await import('./accounts/open.ts');
  const { createCustomerStore } = await import('./accounts/customer-store.ts');
  const { createUserDirectory } = await import('./oauth/user-directory.ts');
  const { createMachineClients } = await import('./oauth/machine-clients.ts');
  const { SIGNING_ALGORITHM } = await import('./oauth/token-profile.ts');
  const { createEventFeed } = await import('./console/event-feed.ts');
  const { startNatsFeed } = await import('./console/nats-feed.ts');
  const { createPlacementCache } = await import('./router/placement-cache.ts');
  const { routerToken } = await import('./router/placement-token.ts');
  const { instanceName } = await import('@retail/descriptor');
  const { openPlatform } = await import('@retail/registry');
  const { followConfig } = await import('@retail/config');

  const env = loadEnv();
  const logger = createLogger({ name: 'gateway-global', level: env.logLevel, pretty: env.logPretty });
  // A retired key stays published while tokens it signed can be valid: their lifetime plus the clock skew.
  const keys = await openKeyStore({ dir: env.keysDir, alg: SIGNING_ALGORITHM, maxTokenTtlSeconds: env.tokenTtlSeconds });
  const accounts = openAccountsDatabase(env.accountsFile);
  const forwarder = createForwarder();
  // Registered as edge/gateway-global; each cell gateway's instances found in the registry and balanced.
  const platform = openPlatform({ cell: 'edge', component: 'gateway-global', env: env.platform, logger });
  const limits = { perSecond: env.rateLimit.perSecond, burst: env.rateLimit.burst };
  const stopFollowing = followConfig({
    bus: platform.bus,
    who: { cell: 'gateway-global', instance: platform.instance },
    logger,
    live: {
      LOG_LEVEL: {
        initial: env.logLevel,
        apply: (level) => {
          logger.level = String(level);
        },
      },
      RATE_LIMIT_PER_SECOND: { initial: limits.perSecond, apply: (v) => (limits.perSecond = Number(v)) },
      RATE_LIMIT_BURST: { initial: limits.burst, apply: (v) => (limits.burst = Number(v)) },
    },
    report: platform.report,
  });
  const cellGateways = env.cellGateways.map((target) => {
    const cell = instanceName(target.cell);
    return { ...target, pool: platform.pool({ name: `The ${cell} cell`, cell, component: 'gateway', fallback: target.url }) };
  });
  // The cell router's copy of the placement map: polled in the background, so routing never waits on it.
  const partitions: Record<string, string[]> = {};
  for (const { cell } of env.cellGateways) if (cell.partition) partitions[cell.name] = [...(partitions[cell.name] ?? []), cell.partition];
  const placement = createPlacementCache({
    url: env.placement.url,
    token: routerToken({ keys, issuer: env.issuer, ttlSeconds: env.tokenTtlSeconds }),
    partitions,
    refreshMs: env.placement.refreshMs,
    logger,
  });
  // In the background: the gateway serves at once, whether or not NATS is there; the console says which.
  const eventFeed = createEventFeed();
  // `orders.>` holds every partition's events: one subscription per cell, not per partition.
  const cellNames = [...new Set(env.cellGateways.map((g) => g.cell.name))];
  const natsFeed = startNatsFeed({ ...env.nats, cells: cellNames, feed: eventFeed, logger });
  // A customer's partition changed (a move flipped the map): fetch the map now rather than at the next poll,
  // so the customer's pause is the move's, not the poll's. The poll stays: NATS may be away.
  eventFeed.subscribe((m) => {
    if (m.kind === 'event' && m.event.cell === 'placement') void placement.refresh();
  });
  // Open console streams would hold the HTTP server's graceful close for its full grace period.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => eventFeed.close());
  const app = createApp({
    logger,
    keys,
    issuer: env.issuer,
    tokenTtlSeconds: env.tokenTtlSeconds,
    users: await createUserDirectory(createCustomerStore(accounts.db), env.demoPasswords),
    clients: createMachineClients(
      env.clientSecrets,
      // Each partition is a client of its own (client id = partition name), with its cell's scopes.
      Object.fromEntries(env.cellGateways.map(({ cell }) => [instanceName(cell), cell.clientScopes ?? []])),
    ),
    cellGateways,
    forwarder,
    placement,
    // Read on every request: the live configuration changes them in place.
    rateLimit: { ...env.rateLimit, live: limits },
    login: env.login,
    signUpsPerMinute: env.signUpsPerMinute,
    corsOrigins: env.corsOrigins,
    storefrontDir: env.storefrontDir,
    eventFeed,
    healthTimeoutMs: env.healthTimeoutMs,
    registry: () => {
      const directory = platform.directory();
      return directory && { live: directory.isLive(), instances: directory.instances() };
    },
  });
  const server = await serveApp({
    app,
    port: env.port,
    hostname: env.host,
    logger,
    releaseIdleMemory: env.releaseIdleMemory,
    streamingBodies: true,
    beforeClose: platform.deregister,
    onShutdown: [
      () => telemetry.shutdown(),
      platform.close,
      stopFollowing,
      () => forwarder.close(),
      () => placement.close(),
      () => natsFeed.close(),
      accounts.close,
    ],
  });
  // Once this token service answers: the placement cell checks the router's token against its key set.
  placement.start();
  platform.register(server.port);
  logger.info(
    {
      issuer: env.issuer,
      port: server.port,
      storefront: env.storefrontDir ?? 'off',
      cells: Object.fromEntries(env.cellGateways.map((g) => [instanceName(g.cell), g.url])),
      placement: env.placement.url,
    },
    'gateway-global ready',
  );
});
