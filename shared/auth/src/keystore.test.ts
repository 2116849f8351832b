import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKeyStore } from './keystore.ts';
import { createVerifier, signToken } from './tokens.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  dirs.push(dir);
  return join(dir, 'keys');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const request = { principal: { sub: 'user-1', scopes: ['a', 'b'] }, issuer: 'iss', audience: 'aud', ttlSeconds: 60 };

it('keeps its keys across a restart, private files readable by the owner only', async () => {
  const dir = tempDir();
  const first = await openKeyStore({ dir, alg: 'ES256' });
  const token = await signToken(first, request);
  const second = await openKeyStore({ dir, alg: 'ES256' });
  expect(second.current().kid).toBe(first.current().kid);
  const verify = createVerifier({ jwks: second.jwks(), issuer: 'iss', audience: 'aud', algorithms: ['ES256'] });
  expect(await verify(token)).toMatchObject({ sub: 'user-1', scopes: ['a', 'b'] });
  const file = join(dir, readdirSync(dir)[0]!);
  expect(statSync(file).mode & 0o077).toBe(0);
});

it('rotates: new tokens use the new key, tokens signed before still verify, the JWKS holds two keys', async () => {
  const keys = await openKeyStore({ dir: tempDir(), alg: 'EdDSA' });
  const before = await signToken(keys, request);
  const oldKid = keys.current().kid;
  await keys.rotate();
  expect(keys.current().kid).not.toBe(oldKid);
  expect(keys.jwks().keys.map((k) => k.kid)).toEqual([oldKid, keys.current().kid]);
  const verify = createVerifier({ jwks: () => keys.jwks(), issuer: 'iss', audience: 'aud', algorithms: ['EdDSA'] });
  await expect(verify(before)).resolves.toMatchObject({ sub: 'user-1' });
  await keys.rotate();
  expect(keys.jwks().keys).toHaveLength(2);
  const fresh = createVerifier({ jwks: () => keys.jwks(), issuer: 'iss', audience: 'aud', algorithms: ['EdDSA'] });
  await expect(fresh(before)).rejects.toThrow(/invalid or expired/);
});

it('pins the algorithm: a token of another algorithm is refused even with a known key id', async () => {
  const keys = await openKeyStore({ alg: 'ES256' });
  const verify = createVerifier({ jwks: keys.jwks(), issuer: 'iss', audience: 'aud', algorithms: ['EdDSA'] });
  await expect(verify(await signToken(keys, request))).rejects.toThrow(/invalid or expired/);
});

it('does not serve a memoised token after it expires', async () => {
  const keys = await openKeyStore({ alg: 'ES256' });
  const verify = createVerifier({ jwks: keys.jwks(), issuer: 'iss', audience: 'aud', algorithms: ['ES256'] });
  // exp has one-second granularity: 2 s of life is always valid at once, and over after 3 s.
  const token = await signToken(keys, { ...request, ttlSeconds: 2 });
  await expect(verify(token)).resolves.toBeTruthy();
  await new Promise((r) => setTimeout(r, 3_000));
  await expect(verify(token)).rejects.toThrow(/invalid or expired/);
});
