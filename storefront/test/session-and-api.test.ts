import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, SessionExpiredError, createApi } from '../public/js/api.js';
import { explain } from '../public/js/messages.js';
import { createSession } from '../public/js/session.js';
import { memoryStorage } from './memory-storage.ts';

const problem = (status: number, detail: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'x', status, detail, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

function setup(answer: (url: string, init: RequestInit) => Response | Promise<Response>, now = () => 1_000_000) {
  const calls: { url: string; init: RequestInit }[] = [];
  const session = createSession(memoryStorage(), { now });
  const api = createApi({
    session,
    base: 'http://shop.test',
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return answer(url, init);
    }) as typeof fetch,
  });
  return { api, session, calls };
}

const signedIn = async (s: ReturnType<typeof setup>) => {
  s.session.start('alice@example.com', { access_token: 'token-1', expires_in: 900, scope: 'orders:read orders:write' });
};

describe('the session and the API client', () => {
  it('signs in with the password grant and sends the token only where it is needed', async () => {
    const s = setup((url) =>
      url.endsWith('/auth/token')
        ? Response.json({ access_token: 'token-1', token_type: 'Bearer', expires_in: 900, scope: 'orders:read orders:write' })
        : Response.json({ ok: true }),
    );
    await s.api.signIn('alice@example.com', 'alice');
    expect(String(s.calls[0]!.init.body)).toBe('grant_type=password&username=alice%40example.com&password=alice');
    expect(s.session.isActive()).toBe(true);
    expect(s.session.isAdmin()).toBe(false);
    await s.api.get('/products');
    await s.api.get('/orders', { auth: true });
    const headers = s.calls.slice(1).map((c) => (c.init.headers as Record<string, string>).authorization);
    expect(headers).toEqual([undefined, 'Bearer token-1']);
    expect(s.calls[2]!.url).toBe('http://shop.test/api/orders');
  });

  it('on a refused token ends the session and says it expired', async () => {
    const s = setup(() => problem(401, 'The token has expired.'));
    await signedIn(s);
    await expect(s.api.get('/orders', { auth: true })).rejects.toBeInstanceOf(SessionExpiredError);
    expect(s.session.current()).toBeNull();
  });

  it('does not even send a token that has run out', async () => {
    let time = 1_000_000;
    const s = setup(
      () => Response.json({}),
      () => time,
    );
    await signedIn(s);
    time += 900 * 1000;
    expect(s.session.isExpired()).toBe(true);
    await expect(s.api.post('/orders', { lines: [] })).rejects.toBeInstanceOf(SessionExpiredError);
    expect(s.calls).toHaveLength(0);
  });

  it('turns problem+json answers and unreachable servers into typed errors', async () => {
    const down = setup(() => problem(503, 'The shipping cell is unavailable; try again shortly.'));
    const error = await down.api.get('/shipments').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    const offline = setup(() => {
      throw new TypeError('fetch failed');
    });
    await expect(offline.api.get('/products')).rejects.toBeInstanceOf(NetworkError);
  });

  it('creates an account with a JSON body and no token, without signing in', async () => {
    const s = setup(() => Response.json({ id: 'user-1', email: 'ann@example.org', name: 'Ann' }, { status: 201 }));
    await signedIn(s);
    const created = await s.api.register({ name: 'Ann', email: 'Ann@example.org', password: 'copper-kettle-42' });
    expect(created).toEqual({ id: 'user-1', email: 'ann@example.org', name: 'Ann' });
    expect(s.calls[0]!.url).toBe('http://shop.test/auth/register');
    expect(s.calls[0]!.init.method).toBe('POST');
    expect(JSON.parse(String(s.calls[0]!.init.body))).toEqual({ name: 'Ann', email: 'Ann@example.org', password: 'copper-kettle-42' });
    expect((s.calls[0]!.init.headers as Record<string, string>).authorization).toBeUndefined();
    // Creating an account leaves whoever was signed in signed in, until signIn switches.
    expect(s.session.current()?.email).toBe('alice@example.com');
  });

  it('passes a refused sign-up on with its field errors and its wait', async () => {
    const weak = setup(() =>
      problem(400, 'The request is not valid.', { errors: [{ path: 'password', message: 'Use at least 10 characters.' }] }),
    );
    const invalid = (await weak.api.register({ name: 'A', email: 'a@example.org', password: 'x' }).catch((e: unknown) => e)) as ApiError;
    expect(explain(invalid, { doing: 'Creating your account' }).fields).toEqual([
      { path: 'password', message: 'Use at least 10 characters.' },
    ]);

    const busy = setup(
      () => new Response(JSON.stringify({ status: 429, title: 'Too many requests' }), { status: 429, headers: { 'retry-after': '12' } }),
    );
    const limited = (await busy.api.register({ name: 'A', email: 'a@example.org', password: 'x' }).catch((e: unknown) => e)) as ApiError;
    expect(limited).toBeInstanceOf(ApiError);
    expect(limited.retryAfter).toBe(12);
  });
});

describe('messages', () => {
  it('name the part of the system that is unavailable', () => {
    const message = explain(new ApiError(503, { status: 503, detail: 'The products cell is unavailable; try again shortly.' }), {
      doing: 'Ordering',
    });
    expect(message).toMatchObject({
      tone: 'error',
      text: 'Ordering is unavailable right now. The products cell is unavailable; try again shortly.',
    });
  });

  it('offer sign-in after an expired session, back to where the user was', () => {
    expect(explain(new SessionExpiredError(), { doing: 'Ordering', where: '/checkout' })).toEqual({
      tone: 'warning',
      text: 'Your session has expired. Please sign in again — your cart is kept.',
      action: { label: 'Sign in', href: '/signin?next=%2Fcheckout' },
    });
  });

  it('carry field errors of bad input, and the wait after too many requests', () => {
    const invalid = explain(
      new ApiError(400, {
        status: 400,
        detail: 'The request is not valid.',
        errors: [{ path: 'shippingAddress.postalCode', message: 'postal code: 2–12 letters' }],
      }),
      { doing: 'Ordering' },
    );
    expect(invalid.fields).toEqual([{ path: 'shippingAddress.postalCode', message: 'postal code: 2–12 letters' }]);
    expect(explain(new ApiError(429, { status: 429 }, 3), { doing: 'Searching' }).text).toBe(
      'Too many requests; please wait 3 s and try again.',
    );
  });
});
