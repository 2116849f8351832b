import { z } from 'zod';
import { commonEnv, dataDirEnv, port } from '@retail/kernel';
import { componentUrlVar, localUrl, type CellDescriptor } from '@retail/descriptor';

/** Configuration of a cell gateway, derived from its cell's descriptor: one `<COMPONENT>_URL` per component. */
export function cellGatewayEnvSchema(cell: CellDescriptor) {
  const upstreams = Object.fromEntries(cell.components.map((c) => [componentUrlVar(c.name), z.url().default(localUrl(c.port))]));
  return z.object({
    ...commonEnv,
    ...dataDirEnv,
    PORT: port(cell.gateway.port),
    /** gateway-global's token service: who issues the tokens this gateway accepts. */
    TOKEN_ISSUER: z.string().default(localUrl(8080)),
    JWKS_URL: z.url().default(`${localUrl(8080)}/.well-known/jwks.json`),
    /** Shared with the cell's components, who trade it for workload tokens. */
    CELL_SECRET: z.string().min(8).default(`${cell.name}-cell-secret`),
    ...upstreams,
  });
}

export type CellGatewayEnv = z.infer<ReturnType<typeof cellGatewayEnvSchema>>;

export function upstreamsFrom(cell: CellDescriptor, env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(cell.components.map((c) => [c.name, String(env[componentUrlVar(c.name)])]));
}
