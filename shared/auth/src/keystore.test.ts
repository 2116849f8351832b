import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOCK_SKEW_SECONDS, openKeyStore } from './keystore.ts';
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

it('rotates: new tokens use the new key, tokens signed before still verify', async () => {
  const keys = await openKeyStore({ dir: tempDir(), alg: 'EdDSA' });
  const before = await signToken(keys, request);
  const oldKid = keys.current().kid;
  await keys.rotate();
  expect(keys.current().kid).not.toBe(oldKid);
  expect(keys.jwks().keys.map((k) => k.kid)).toEqual([oldKid, keys.current().kid]);
  const verify = createVerifier({ jwks: () => keys.jwks(), issuer: 'iss', audience: 'aud', algorithms: ['EdDSA'] });
  await expect(verify(before)).resolves.toMatchObject({ sub: 'user-1' });
});

describe('rotating many times in a row', () => {
  const TTL = 900;
  const retentionMs = (TTL + CLOCK_SKEW_SECONDS) * 1000;

  it('keeps every key whose tokens can still be valid, and drops each one only once they cannot', async () => {
    const dir = tempDir();
    const clock = { at: Date.parse('2030-01-01T00:00:00Z') };
    const keys = await openKeyStore({ dir, alg: 'ES256', maxTokenTtlSeconds: TTL, now: () => clock.at });
    const verifyNow = () => createVerifier({ jwks: keys.jwks(), issuer: 'iss', audience: 'aud', algorithms: ['ES256'] });
    const first = await signToken(keys, request);
    const kids = [keys.current().kid];
    // Five rotations a minute apart: every key signed tokens that are still within their lifetime.
    for (let i = 0; i < 5; i++) {
      clock.at += 60_000;
      kids.push((await keys.rotate()).kid);
    }
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual(kids);
    await expect(verifyNow()(first)).resolves.toMatchObject({ sub: 'user-1' });
    expect(readdirSync(dir)).toHaveLength(6);

    // The first key was retired when the second came (60 s after the start): it stays until then + TTL + skew…
    clock.at = Date.parse('2030-01-01T00:00:00Z') + 60_000 + retentionMs - 1;
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual(kids);
    // …and not a millisecond longer; the others, retired later, stay.
    clock.at += 1;
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual(kids.slice(1));
    await expect(verifyNow()(first)).rejects.toThrow(/invalid or expired/);

    // A rotation, or a restart, deletes the files of keys whose tokens have all expired.
    clock.at += 120_000;
    kids.push((await keys.rotate()).kid);
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual(kids.slice(3));
    expect(readdirSync(dir)).toHaveLength(4);
    clock.at += retentionMs;
    const reopened = await openKeyStore({ dir, alg: 'ES256', maxTokenTtlSeconds: TTL, now: () => clock.at });
    expect(reopened.jwks().keys.map((k) => k.kid)).toEqual([kids[6]]);
    expect(reopened.current().kid).toBe(kids[6]);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('never drops the current key, however old', async () => {
    const clock = { at: 0 };
    const keys = await openKeyStore({ alg: 'ES256', maxTokenTtlSeconds: 60, now: () => clock.at });
    clock.at += 365 * 24 * 3600_000;
    expect(keys.jwks().keys).toHaveLength(1);
    await keys.rotate();
    await keys.rotate();
    await keys.rotate();
    expect(keys.jwks().keys).toHaveLength(4);
  });

  it('keeps keys a day by default, the longest lifetime the token service issues', async () => {
    const clock = { at: 0 };
    const keys = await openKeyStore({ alg: 'ES256', now: () => clock.at });
    await keys.rotate();
    clock.at += 24 * 3600_000;
    expect(keys.jwks().keys).toHaveLength(2);
    clock.at += CLOCK_SKEW_SECONDS * 1000 + 1;
    expect(keys.jwks().keys).toHaveLength(1);
  });
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
