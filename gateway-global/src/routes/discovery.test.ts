import { beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { testGateway, TEST_ISSUER, userToken } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];
let app: App;
beforeAll(async () => {
  ({ app } = await testGateway());
});

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  it('describes exactly what the token service supports', async () => {
    const res = await app.request('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toEqual({
      issuer: TEST_ISSUER,
      token_endpoint: `${TEST_ISSUER}/auth/token`,
      jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
      grant_types_supported: ['password', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      scopes_supported: expect.any(Array),
      // Required by RFC 8414; empty, since there is no authorization endpoint (and so none is named).
      response_types_supported: [],
      service_documentation: `${TEST_ISSUER}/api/docs`,
    });
    expect(doc).not.toHaveProperty('authorization_endpoint');
    expect([...(doc.scopes_supported as string[])].sort()).toEqual([
      'inventory:write',
      'orders:admin',
      'orders:read',
      'orders:write',
      'prices:read',
      'products:write',
      'shipments:write',
    ]);
  });

  it('has an issuer that is the tokens’ iss, and endpoints this gateway serves', async () => {
    const doc = (await (await app.request('/.well-known/oauth-authorization-server')).json()) as {
      issuer: string;
      jwks_uri: string;
      token_endpoint: string;
    };
    const jwks = await app.request(new URL(doc.jwks_uri).pathname);
    expect(jwks.status).toBe(200);
    const { keys } = (await jwks.json()) as { keys: { kid: string }[] };
    expect(keys.length).toBeGreaterThan(0);

    const res = await app.request(new URL(doc.token_endpoint).pathname, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: 'bob@example.com', password: 'bob' }),
    });
    expect(res.status).toBe(200);
    const token = ((await res.json()) as { access_token: string }).access_token;
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iss: string };
    expect(payload.iss).toBe(doc.issuer);
    expect(keys.map((k) => k.kid)).toContain(decodeProtectedHeader(await userToken(app, 'bob@example.com', 'bob')).kid);
  });

  it('serves no OpenID Connect discovery document: the service issues no ID tokens', async () => {
    const res = await app.request('/.well-known/openid-configuration');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
