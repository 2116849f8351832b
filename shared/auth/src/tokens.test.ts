import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { CLOCK_SKEW_SECONDS, openKeyStore } from './keystore.ts';
import { accessTokenVerifier, API_AUDIENCE, createVerifier, signAccessToken, signToken } from './tokens.ts';

const request = { principal: { sub: 'user-1', scopes: ['a'] }, issuer: 'iss', audience: 'aud', ttlSeconds: 60 };
const pins = { issuer: 'iss', audience: 'aud', algorithms: ['ES256' as const] };

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A key store on a clock the test moves: keys leave the set 60 s (the tokens' TTL) + the skew after their successor came. */
async function keysOnClock(alg: 'ES256' | 'EdDSA' = 'ES256') {
  const clock = { at: Date.now() };
  const keys = await openKeyStore({ alg, maxTokenTtlSeconds: 60, now: () => clock.at });
  return { keys, clock, pastRetention: () => (clock.at += (60 + CLOCK_SKEW_SECONDS) * 1000 + 1) };
}

it('stops accepting a remembered token once its key has left the key set', async () => {
  const { keys, pastRetention } = await keysOnClock();
  const verify = createVerifier({ jwks: () => keys.jwks(), ...pins });
  const token = await signToken(keys, request);
  expect(await verify(token)).toMatchObject({ sub: 'user-1' });

  await keys.rotate();
  await keys.rotate();
  // Earlier keys are still published while their tokens can be valid: its tokens stay good.
  expect(await verify(token)).toMatchObject({ sub: 'user-1' });
  pastRetention();
  expect(keys.jwks().keys.map((k) => k.kid)).not.toContain(JSON.parse(atob(token.split('.')[0]!)).kid);
  await expect(verify(token)).rejects.toMatchObject({ status: 401 });
});

it('marks access tokens at+jwt, and an access-token verifier refuses any other typ', async () => {
  const keys = await openKeyStore({ alg: 'ES256' });
  const verify = accessTokenVerifier({ jwks: () => keys.jwks(), issuer: 'iss', algorithms: ['ES256'] });
  const access = await signAccessToken(keys, { principal: request.principal, issuer: 'iss', ttlSeconds: 60 });
  expect(decodeProtectedHeader(access).typ).toBe('at+jwt');
  expect(await verify(access)).toMatchObject({ sub: 'user-1' });
  // The same keys, issuer and audience, but a plain JWT (e.g. an ID token or another kind of token): refused.
  const plain = await signToken(keys, { ...request, audience: API_AUDIENCE });
  expect(decodeProtectedHeader(plain).typ).toBe('JWT');
  await expect(verify(plain)).rejects.toMatchObject({ status: 401 });
  // RFC 9068 §4 allows the media type's full name.
  const full = await signToken(keys, { ...request, audience: API_AUDIENCE, type: 'application/at+jwt' });
  expect(await verify(full)).toMatchObject({ sub: 'user-1' });
  // Verifiers that pin no typ (internal tokens) take both.
  await expect(createVerifier({ jwks: () => keys.jwks(), ...pins, audience: API_AUDIENCE })(access)).resolves.toBeTruthy();
});

/** A token for `pins`' issuer and audience signed with a key of the test's own, under key id `kid`. */
function signedWith(privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'], kid: string, sub: string): Promise<string> {
  return new SignJWT({ scope: 'a' })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject(sub)
    .setIssuer('iss')
    .setAudience('aud')
    .setExpirationTime('1m')
    .sign(privateKey);
}

/** A JWKS endpoint that counts its fetches and serves whatever key set it is given (a number: that status instead). */
async function jwksServer(initial: object | number) {
  let body = initial;
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches++;
    if (typeof body === 'number') {
      res.statusCode = body;
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`);
  return {
    url,
    fetches: () => fetches,
    publish: (next: object | number) => {
      body = next;
    },
  };
}

it('answers a flood of tokens with unknown key ids at once, refetching the JWKS at most once a second', async () => {
  const keys = await openKeyStore({ alg: 'ES256' });
  const jwks = await jwksServer(keys.jwks());
  const verify = createVerifier({ jwks: jwks.url, ...pins });
  expect(await verify(await signToken(keys, request))).toMatchObject({ sub: 'user-1' });

  const { privateKey } = await generateKeyPair('ES256');
  const forged = await Promise.all(Array.from({ length: 50 }, (_, i) => signedWith(privateKey, `made-up-${i}`, 'mallory')));
  const started = performance.now();
  const outcomes = await Promise.allSettled(forged.map((t) => verify(t)));
  const elapsed = performance.now() - started;
  expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
  expect(elapsed).toBeLessThan(500);
  expect(jwks.fetches()).toBeLessThanOrEqual(2);
});

it("answers 503, not 401, while the issuer's key set cannot be fetched, and takes the token once it can", async () => {
  const keys = await openKeyStore({ alg: 'ES256' });
  const token = await signToken(keys, request);
  // Nothing listening at all: connection refused.
  const closed = await jwksServer(503);
  await new Promise((r) => servers.pop()!.close(r));
  await expect(createVerifier({ jwks: closed.url, ...pins })(token)).rejects.toMatchObject({ status: 503 });

  // An issuer still starting (503), then one that answers something other than a key set.
  const jwks = await jwksServer(503);
  const verify = createVerifier({ jwks: jwks.url, ...pins });
  await expect(verify(token)).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/key set/) });
  jwks.publish({ not: 'a key set' });
  await expect(verify(token)).rejects.toMatchObject({ status: 503 });
  jwks.publish(keys.jwks());
  expect(await verify(token)).toMatchObject({ sub: 'user-1' });
  // A key set in hand that does not hold the token's key is still the token's fault.
  const { privateKey } = await generateKeyPair('ES256');
  await expect(verify(await signedWith(privateKey, 'made-up', 'm'))).rejects.toMatchObject({ status: 401 });
});

it('learns a removed key from a refetched JWKS and refuses its remembered tokens', async () => {
  const { keys, pastRetention } = await keysOnClock();
  const jwks = await jwksServer(keys.jwks());
  const verify = createVerifier({ jwks: jwks.url, ...pins });
  const old = await signToken(keys, request);
  expect(await verify(old)).toMatchObject({ sub: 'user-1' });

  await keys.rotate();
  await keys.rotate();
  pastRetention();
  jwks.publish(keys.jwks());
  // A token of the newest key makes the verifier refetch the set (its key id is new to it)…
  await new Promise((r) => setTimeout(r, 1_100));
  expect(await verify(await signToken(keys, request))).toMatchObject({ sub: 'user-1' });
  // …after which the old key's token, remembered as verified, is refused.
  await new Promise((r) => setTimeout(r, 1_100));
  await expect(verify(old)).rejects.toMatchObject({ status: 401 });
});

it('does not accept a key it was never given', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const keys = await openKeyStore({ alg: 'ES256' });
  const verify = createVerifier({ jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'other', alg: 'ES256' }] }, ...pins });
  await expect(verify(await signToken(keys, request))).rejects.toMatchObject({ status: 401 });
  expect(await verify(await signedWith(privateKey, 'other', 's'))).toMatchObject({ sub: 's' });
});
