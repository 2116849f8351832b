import { Hono } from 'hono';
import type { KeyStore } from '@retail/auth';
import type { GatewayRequest } from '../gateway-request.ts';
import { CLIENT_AUTH_METHODS, SUPPORTED_GRANT_TYPES } from '../oauth/token-request.ts';

export interface DiscoveryRouteDeps {
  keys: KeyStore;
  issuer: string;
  scopesSupported: readonly string[];
}

/**
 * RFC 8414 authorization server metadata: exactly what the token service does. It has a token endpoint
 * and no authorization endpoint (its grants, `password` and `client_credentials`, need none), so it
 * supports no response types (an empty list, as the member is required). Clients authenticate with HTTP
 * Basic or in the body (client credentials), or not at all (the password grant of a person, as a public
 * client). There is no OpenID Connect discovery document: the service issues no ID tokens and has no
 * authorization or userinfo endpoint, which OpenID Connect Discovery requires.
 */
function authorizationServerMetadata(deps: Omit<DiscoveryRouteDeps, 'keys'>) {
  return {
    issuer: deps.issuer,
    token_endpoint: `${deps.issuer}/auth/token`,
    jwks_uri: `${deps.issuer}/.well-known/jwks.json`,
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS, 'none'],
    scopes_supported: [...deps.scopesSupported],
    response_types_supported: [] as string[],
    service_documentation: `${deps.issuer}/api/docs`,
  };
}

/** What cell gateways and OAuth2 clients need to find the token service and check its keys. */
export function discoveryRoutes(deps: DiscoveryRouteDeps): Hono<GatewayRequest> {
  const app = new Hono<GatewayRequest>();
  const metadata = JSON.stringify(authorizationServerMetadata(deps));

  // Short caching: verifiers refetch on an unknown `kid` anyway, so a rotation is picked up at once.
  app.get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(deps.keys.jwks());
  });

  app.get('/.well-known/oauth-authorization-server', (c) =>
    c.body(metadata, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' }),
  );

  return app;
}
