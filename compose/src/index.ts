export { planSystem, repoRoot, cellNames, type ProcessPlan, type PlanOptions } from './plan.ts';
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
