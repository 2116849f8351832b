import { beforeAll, describe, expect, it } from 'vitest';
import { testGateway, TEST_ISSUER } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];
let app: App;
beforeAll(async () => {
  ({ app } = await testGateway());
});

describe('GET /.well-known/openid-configuration', () => {
  it('describes the token service', async () => {
    const res = await app.request('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: TEST_ISSUER,
      token_endpoint: `${TEST_ISSUER}/auth/token`,
      jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
      grant_types_supported: ['password', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
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

  it('points at endpoints this gateway serves', async () => {
    const doc = (await (await app.request('/.well-known/openid-configuration')).json()) as { jwks_uri: string; token_endpoint: string };
    const jwks = await app.request(new URL(doc.jwks_uri).pathname);
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);

    const token = await app.request(new URL(doc.token_endpoint).pathname, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: 'bob@example.com', password: 'bob' }),
    });
    expect(token.status).toBe(200);
  });
});
