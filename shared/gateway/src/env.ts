import { z } from 'zod';
import { commonEnv, dataDirEnv, discoveryEnv, natsEnv, port, secret } from '@retail/kernel';
import { componentUrlVar, devWorkloadSecret, localUrl, workloadSecretVar, type CellDescriptor } from '@retail/descriptor';

/**
 * Configuration of a cell gateway, derived from its cell's descriptor: per component its `<COMPONENT>_URL`
 * and its own workload credential, `WORKLOAD_SECRET_<COMPONENT>` (the component's `WORKLOAD_SECRET`).
 */
export function cellGatewayEnvSchema(cell: CellDescriptor) {
  const upstreams = Object.fromEntries(cell.components.map((c) => [componentUrlVar(c.name), z.url().default(localUrl(c.port))]));
  const workloadSecrets = Object.fromEntries(
    cell.components.map((c) => [workloadSecretVar(c.name), secret(devWorkloadSecret(cell.name, c.name))]),
  );
  return z.object({
    ...commonEnv,
    ...dataDirEnv,
    /** The registry (discovery) is on NATS: the gateway registers itself and finds its components' instances there. */
    ...natsEnv,
    ...discoveryEnv,
    PORT: port(cell.gateway.port),
    /** gateway-global's token service: who issues the tokens this gateway accepts. */
    TOKEN_ISSUER: z.string().default(localUrl(8080)),
    JWKS_URL: z.url().default(`${localUrl(8080)}/.well-known/jwks.json`),
    /** Per client (token subject, else IP); gateway-global's forwards arrive from one address, hence the headroom. */
    RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(500),
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(1000),
    /** Where the cell's components' spans go on from here (trace-relay.ts); unset, no relay. */
    OTLP_RELAY_URL: z.url().optional(),
    ...upstreams,
    ...workloadSecrets,
  });
}

export type CellGatewayEnv = z.infer<ReturnType<typeof cellGatewayEnvSchema>>;

export function upstreamsFrom(cell: CellDescriptor, env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(cell.components.map((c) => [c.name, String(env[componentUrlVar(c.name)])]));
}

/** Each component's workload credential, by component name. */
export function workloadSecretsFrom(cell: CellDescriptor, env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(cell.components.map((c) => [c.name, String(env[workloadSecretVar(c.name)])]));
}
