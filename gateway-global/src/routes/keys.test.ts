import { afterEach, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_SECONDS, openKeyStore } from '@retail/auth';
import { tempDir, type TempDir } from '@retail/testing';
import { decodeProtectedHeader } from 'jose';
import { testGateway, userToken, verifyWithServedJwks } from '../../test/test-support.ts';

const dirs: TempDir[] = [];
const keysIn = async (dir: TempDir) => openKeyStore({ dir: `${dir.path}/keys`, alg: 'ES256' });
const newDir = () => {
  const dir = tempDir('gateway-global-keys-');
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

const rotate = (app: Awaited<ReturnType<typeof testGateway>>['app'], token?: string) =>
  app.request('/auth/keys/rotate', { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });

const servedKids = async (app: Awaited<ReturnType<typeof testGateway>>['app']) =>
  ((await (await app.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

describe('signing keys', () => {
  it('survive a restart: a token issued before verifies after', async () => {
    const dir = newDir();
    const before = await testGateway({ keys: await keysIn(dir) });
    const token = await userToken(before.app, 'admin@example.com', 'admin');

    const after = await testGateway({ keys: await keysIn(dir) });
    await expect(verifyWithServedJwks(after.app, token)).resolves.toBeTruthy();
    // …and the restarted gateway itself accepts it for an authenticated action.
    expect((await rotate(after.app, token)).status).toBe(200);
  });

  it('are not shared between data directories', async () => {
    const one = await testGateway({ keys: await keysIn(newDir()) });
    const other = await testGateway({ keys: await keysIn(newDir()) });
    const token = await userToken(one.app, 'admin@example.com', 'admin');
    await expect(verifyWithServedJwks(other.app, token)).rejects.toThrow();
    expect((await rotate(other.app, token)).status).toBe(401);
  });

  it('never expose their private half in the JWKS', async () => {
    const { app } = await testGateway();
    const { keys } = (await (await app.request('/.well-known/jwks.json')).json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty('d');
  });
});

describe('POST /auth/keys/rotate', () => {
  it('signs new tokens with a new key while old tokens keep verifying', async () => {
    const { app } = await testGateway({ keys: await keysIn(newDir()) });
    const oldToken = await userToken(app, 'admin@example.com', 'admin');
    const oldKid = decodeProtectedHeader(oldToken).kid;

    const res = await rotate(app, oldToken);
    expect(res.status).toBe(200);
    const { kid, previousKid } = (await res.json()) as { kid: string; previousKid: string };
    expect(previousKid).toBe(oldKid);
    expect(kid).not.toBe(oldKid);

    expect(await servedKids(app)).toEqual([oldKid, kid]);
    const newToken = await userToken(app, 'alice@example.com', 'alice');
    expect(decodeProtectedHeader(newToken)).toMatchObject({ kid, typ: 'at+jwt' });
    expect(decodeProtectedHeader(newToken).kid).toBe(kid);
    await expect(verifyWithServedJwks(app, newToken)).resolves.toBeTruthy();
    await expect(verifyWithServedJwks(app, oldToken)).resolves.toBeTruthy();
  });

  it('keeps every key whose tokens can still be valid through many rotations, and retires each after TTL + skew', async () => {
    const clock = { at: Date.now() };
    const keys = await openKeyStore({ alg: 'ES256', maxTokenTtlSeconds: 900, now: () => clock.at });
    const { app } = await testGateway({ keys, tokenTtlSeconds: 900 });
    const admin = await userToken(app, 'admin@example.com', 'admin');
    const [first] = await servedKids(app);
    for (let i = 0; i < 4; i++) {
      clock.at += 1_000;
      expect((await rotate(app, admin)).status).toBe(200);
    }
    const kids = await servedKids(app);
    expect(kids).toHaveLength(5);
    expect(kids[0]).toBe(first);
    // The token of the first key still verifies, at the JWKS and at the gateway itself.
    await expect(verifyWithServedJwks(app, admin)).resolves.toBeTruthy();

    // Once the first key's successor has signed for longer than a token lives (plus the clock skew),
    // nothing the first key signed can be valid: it leaves the set, the others stay.
    clock.at += (900 + CLOCK_SKEW_SECONDS) * 1000 - 3_000;
    expect(await servedKids(app)).toEqual(kids.slice(1));
    await expect(verifyWithServedJwks(app, admin)).rejects.toThrow();
  });

  it('is for admins only', async () => {
    const { app } = await testGateway();
    const [kid] = await servedKids(app);

    expect((await rotate(app)).status).toBe(401);
    expect((await rotate(app, 'not-a-jwt')).status).toBe(401);
    const customer = await rotate(app, await userToken(app, 'alice@example.com', 'alice'));
    expect(customer.status).toBe(403);
    expect(customer.headers.get('content-type')).toBe('application/problem+json');
    // An admin token narrowed to other scopes is not enough either.
    expect((await rotate(app, await userToken(app, 'admin@example.com', 'admin', 'products:write'))).status).toBe(403);

    expect(await servedKids(app)).toEqual([kid]);
  });
});
