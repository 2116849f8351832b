import { createVerifier } from './tokens.ts';

/** Claims of the cell-internal token: minted by the cell's gateway, accepted only inside that cell. */
export const internalAudience = (cell: string) => `cell:${cell}`;
export const internalIssuer = (cell: string) => `cell:${cell}:gateway`;

/** How a service inside a cell checks the internal tokens of its own gateway (keys fetched from the gateway's JWKS). */
export function internalTokenVerifier(cell: string, jwksUrl: string) {
  return createVerifier({ jwks: new URL(jwksUrl), issuer: internalIssuer(cell), audience: internalAudience(cell), algorithms: ['EdDSA'] });
}

/** The scope of workload tokens: services of a cell calling each other (never granted to users). */
export const internalScope = (cell: string) => `${cell}:internal`;

/** The subject of a component's workload tokens: `service:orders/checkout`. */
export const workloadSubject = (cell: string, component: string) => `service:${cell}/${component}`;

/**
 * The header a composite forwards its caller's internal token in when it commands its core on their
 * behalf (the Authorization header carries its own workload token), so that the core checks whom the
 * command is for rather than believing a body field.
 */
export const FORWARDED_USER_HEADER = 'x-forwarded-user-token';
