import { Hono } from 'hono';
import type { KeyStore } from '@retail/auth';
import type { GatewayRequest } from '../gateway-request.ts';
import { SUPPORTED_GRANT_TYPES } from '../oauth/token-request.ts';
import { SIGNING_ALGORITHM } from '../oauth/token-profile.ts';

export interface DiscoveryRouteDeps {
  keys: KeyStore;
  issuer: string;
  scopesSupported: readonly string[];
}

/** What cell gateways and OAuth2 clients need to find and check the token service's keys. */
export function discoveryRoutes(deps: DiscoveryRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();

  // Short caching: verifiers refetch on an unknown `kid` anyway, so a rotation is picked up at once.
  app.get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(deps.keys.jwks());
  });

  app.get('/.well-known/openid-configuration', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({
      issuer: deps.issuer,
      token_endpoint: `${deps.issuer}/auth/token`,
      jwks_uri: `${deps.issuer}/.well-known/jwks.json`,
      grant_types_supported: [...SUPPORTED_GRANT_TYPES],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
      scopes_supported: [...deps.scopesSupported],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'scope', 'email', 'client_id'],
    });
  });

  return app;
}
