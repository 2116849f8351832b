import { beforeAll, describe, expect, it } from 'vitest';
import { postToken, testGateway, TEST_CLIENT_SECRETS, TEST_ISSUER, verifyWithServedJwks } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];
type TokenResponse = { access_token: string; token_type: string; expires_in: number; scope: string };
type OAuthErrorBody = {
  error: string;
  error_description: string;
  errors?: { path: string; message: string }[];
};

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

let app: App;
beforeAll(async () => {
  ({ app } = await testGateway());
});

/** RFC 6749 §5.2: `application/json` with `error` and `error_description`, never cached; not a problem. */
async function expectOAuthError(res: Response, status: number, error: string): Promise<OAuthErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = (await res.json()) as OAuthErrorBody;
  expect(body).toMatchObject({ error });
  expect(body.error_description).toEqual(expect.any(String));
  expect(body).not.toHaveProperty('type');
  expect(body).not.toHaveProperty('status');
  if (status === 400) expect(res.headers.get('www-authenticate')).toBeNull();
  return body;
}

describe('POST /auth/token — password grant', () => {
  it('issues a customer token that verifies against the served JWKS', async () => {
    const res = await postToken(app, { grant_type: 'password', username: 'alice@example.com', password: 'alice' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as TokenResponse;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'orders:read orders:write' });

    const { payload, protectedHeader } = await verifyWithServedJwks(app, body.access_token);
    // RFC 9068: a JWT access token.
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: TEST_ISSUER,
      aud: 'retail-api',
      sub: 'user-alice',
      email: 'alice@example.com',
      scope: 'orders:read orders:write',
    });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.exp! * 1000).toBeGreaterThan(Date.now());
  });

  it('issues the admin every admin scope', async () => {
    const res = await app.request('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: 'admin@example.com', password: 'admin' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenResponse;
    const scopes = body.scope.split(' ').sort();
    expect(scopes).toEqual(['inventory:write', 'orders:admin', 'orders:read', 'orders:write', 'products:write', 'shipments:write']);
    const { payload } = await verifyWithServedJwks(app, body.access_token);
    expect(payload.sub).toBe('user-admin');
    expect((payload.scope as string).split(' ').sort()).toEqual(scopes);
  });

  it('accepts JSON bodies as well as form-encoded ones, and e-mails in any case', async () => {
    const res = await app.request('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ grant_type: 'password', username: ' Bob@Example.COM ', password: 'bob' }),
    });
    expect(res.status).toBe(200);
    const { payload } = await verifyWithServedJwks(app, ((await res.json()) as TokenResponse).access_token);
    expect(payload.sub).toBe('user-bob');
  });

  it('refuses a wrong password with 400 invalid_grant', async () => {
    const res = await postToken(app, { grant_type: 'password', username: 'alice@example.com', password: 'bob' });
    const body = await expectOAuthError(res, 400, 'invalid_grant');
    expect(body).not.toHaveProperty('access_token');
  });

  it('refuses an unknown user exactly like a wrong password', async () => {
    const unknown = await expectOAuthError(
      await postToken(app, { grant_type: 'password', username: 'mallory@example.com', password: 'alice' }),
      400,
      'invalid_grant',
    );
    const wrong = await expectOAuthError(
      await postToken(app, { grant_type: 'password', username: 'alice@example.com', password: 'nope' }),
      400,
      'invalid_grant',
    );
    expect(unknown.error_description).toBe(wrong.error_description);
  });

  it('names the missing fields with 400 invalid_request', async () => {
    const body = await expectOAuthError(
      await postToken(app, { grant_type: 'password', username: 'alice@example.com' }),
      400,
      'invalid_request',
    );
    expect(body.errors?.map((e) => e.path)).toEqual(['password']);

    const none = await expectOAuthError(await postToken(app, {}), 400, 'invalid_request');
    expect(none.errors?.map((e) => e.path)).toEqual(['grant_type']);
  });

  it('rejects a field of the wrong type in JSON with a field error', async () => {
    const res = await app.request('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: 'alice@example.com', password: 12345 }),
    });
    const body = await expectOAuthError(res, 400, 'invalid_request');
    expect(body.errors?.map((e) => e.path)).toEqual(['password']);
  });

  it('refuses an unsupported grant type with 400 unsupported_grant_type', async () => {
    const body = await expectOAuthError(
      await postToken(app, { grant_type: 'authorization_code', code: 'x' }),
      400,
      'unsupported_grant_type',
    );
    expect(body.errors?.[0]?.path).toBe('grant_type');
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await app.request('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type": "password",',
    });
    const body = await expectOAuthError(res, 400, 'invalid_request');
    expect(body.errors?.[0]?.path).toBe('(body)');
  });

  it('refuses a repeated form parameter', async () => {
    const res = await app.request('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=alice%40example.com&password=alice&password=bob',
    });
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it('refuses other media types as a malformed request (400 invalid_request)', async () => {
    const res = await app.request('/auth/token', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'grant_type=password',
    });
    const body = await expectOAuthError(res, 400, 'invalid_request');
    expect(body.errors?.[0]?.path).toBe('content-type');
  });

  it('refuses a body over 8 KiB with 413, with or without Content-Length', async () => {
    const params = { grant_type: 'password', username: 'alice@example.com', password: 'x'.repeat(9 * 1024) };
    const streamed = await postToken(app, params);
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get('content-type')).toBe('application/problem+json');

    const body = new URLSearchParams(params).toString();
    const declared = await postToken(app, params, { 'content-length': String(body.length) });
    expect(declared.status).toBe(413);
  });

  it('honours a narrower scope request', async () => {
    const res = await postToken(app, { grant_type: 'password', username: 'admin@example.com', password: 'admin', scope: 'products:write' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenResponse;
    expect(body.scope).toBe('products:write');
    const { payload } = await verifyWithServedJwks(app, body.access_token);
    expect(payload.scope).toBe('products:write');
  });

  it('refuses a wider scope request with 400 invalid_scope', async () => {
    const res = await postToken(app, {
      grant_type: 'password',
      username: 'alice@example.com',
      password: 'alice',
      scope: 'orders:read products:write',
    });
    const body = await expectOAuthError(res, 400, 'invalid_scope');
    expect(body.error_description).toContain('products:write');
    expect(body.error_description).not.toContain('orders:read');
  });
});

describe('POST /auth/token — client credentials', () => {
  it('authenticates a cell with HTTP Basic', async () => {
    const res = await postToken(
      app,
      { grant_type: 'client_credentials' },
      { authorization: basic('products', TEST_CLIENT_SECRETS.products) },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenResponse;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: '' });
    const { payload } = await verifyWithServedJwks(app, body.access_token);
    expect(payload).toMatchObject({ sub: 'client:products', client_id: 'products', aud: 'retail-api' });
    expect(payload).not.toHaveProperty('email');
  });

  it('authenticates a cell with credentials in the body', async () => {
    const res = await postToken(app, { grant_type: 'client_credentials', client_id: 'orders', client_secret: TEST_CLIENT_SECRETS.orders });
    expect(res.status).toBe(200);
    const { payload } = await verifyWithServedJwks(app, ((await res.json()) as TokenResponse).access_token);
    expect(payload.sub).toBe('client:orders');
  });

  it('refuses a bad secret with invalid_client: 400 in the body, 401 with a Basic challenge over HTTP Basic', async () => {
    const viaBody = await postToken(app, {
      grant_type: 'client_credentials',
      client_id: 'products',
      client_secret: TEST_CLIENT_SECRETS.orders,
    });
    await expectOAuthError(viaBody, 400, 'invalid_client');

    const viaBasic = await postToken(app, { grant_type: 'client_credentials' }, { authorization: basic('products', 'guess') });
    await expectOAuthError(viaBasic, 401, 'invalid_client');
    expect(viaBasic.headers.get('www-authenticate')).toMatch(/^Basic realm="retail"/);
  });

  it('refuses an unknown client with invalid_client', async () => {
    await expectOAuthError(
      await postToken(app, { grant_type: 'client_credentials', client_id: 'payments', client_secret: 'x' }),
      400,
      'invalid_client',
    );
    const viaBasic = await postToken(app, { grant_type: 'client_credentials' }, { authorization: basic('payments', 'x') });
    await expectOAuthError(viaBasic, 401, 'invalid_client');
  });

  it('refuses malformed Basic credentials with 400 invalid_request', async () => {
    for (const authorization of ['Basic', 'Basic not base64 at all', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
      const body = await expectOAuthError(
        await postToken(app, { grant_type: 'client_credentials' }, { authorization }),
        400,
        'invalid_request',
      );
      expect(body.errors?.[0]?.path).toBe('authorization');
    }
  });

  it('refuses a client that authenticates two ways at once', async () => {
    const res = await postToken(
      app,
      { grant_type: 'client_credentials', client_secret: TEST_CLIENT_SECRETS.products },
      { authorization: basic('products', TEST_CLIENT_SECRETS.products) },
    );
    await expectOAuthError(res, 400, 'invalid_request');
  });

  it('refuses scopes a machine client does not have', async () => {
    const res = await postToken(app, {
      grant_type: 'client_credentials',
      client_id: 'products',
      client_secret: TEST_CLIENT_SECRETS.products,
      scope: 'orders:admin',
    });
    await expectOAuthError(res, 400, 'invalid_scope');
  });

  it('names a missing client secret', async () => {
    const body = await expectOAuthError(
      await postToken(app, { grant_type: 'client_credentials', client_id: 'products' }),
      400,
      'invalid_request',
    );
    expect(body.errors?.map((e) => e.path)).toEqual(['client_secret']);
  });
});
