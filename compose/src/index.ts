export { planSystem, parseScale, repoRoot, cellNames, metricsPortName, type ProcessPlan, type PlanOptions } from './plan.ts';
export { inStartOrder } from './groups.ts';
export { openRuntimeBus, type RuntimeBus } from './runtime-bus.ts';
export {
  natsUser,
  natsPasswordVar,
  defaultNatsPassword,
  natsPasswordOf,
  natsPasswordEnv,
  natsUserNames,
  natsServerConfig,
  EDGE_NATS_USER,
  SYSTEM_NATS_USER,
} from './nats-auth.ts';
export { BUNDLE, buildBundles, deployableDirs } from './build.ts';
export { isPortOpen } from '@retail/testing';
export { writeLocalClusterNode } from './nats-server.ts';
export { NATS_ROUTE_PASSWORD_VAR, natsReplicas } from './nats-cluster.ts';
export { platformBuckets } from './buckets.ts';
