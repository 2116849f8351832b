import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, SessionExpiredError, createApi, urlOf } from '../public/js/api.js';
import { explain } from '../public/js/messages.js';
import { createSession } from '../public/js/session.js';
import { memoryStorage } from './memory-storage.ts';

const problem = (status: number, detail: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'A reason phrase', status, detail, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

function setup(answer: (url: string, init: RequestInit) => Response | Promise<Response>, now = () => 1_000_000) {
  const calls: { url: string; init: RequestInit }[] = [];
  /** The pauses the client took before sending a request again, in ms (none really waited). */
  const waits: number[] = [];
  const session = createSession(memoryStorage(), { now });
  const api = createApi({
    session,
    base: 'http://shop.test',
    fetch: (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return answer(url, init);
    }) as typeof fetch,
    sleep: async (ms: number) => void waits.push(ms),
  });
  return { api, session, calls, waits };
}

const shippingAddress = { name: 'Alice Example', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };

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
    await s.api.get('/api/products');
    await s.api.get('/api/orders', { auth: true });
    const headers = s.calls.slice(1).map((c) => (c.init.headers as Record<string, string>).authorization);
    expect(headers).toEqual([undefined, 'Bearer token-1']);
    expect(s.calls[2]!.url).toBe('http://shop.test/api/orders');
  });

  it('on a refused token ends the session and says it expired', async () => {
    const s = setup(() => problem(401, 'The token has expired.'));
    await signedIn(s);
    await expect(s.api.get('/api/orders', { auth: true })).rejects.toBeInstanceOf(SessionExpiredError);
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
    await expect(
      s.api.post('/api/orders', { body: { lines: [], shippingAddress }, headers: { 'Idempotency-Key': 'key-1' } }),
    ).rejects.toBeInstanceOf(SessionExpiredError);
    expect(s.calls).toHaveLength(0);
  });

  it('turns problem+json answers and unreachable servers into typed errors', async () => {
    const down = setup(() => problem(503, 'The shipping cell is unavailable; try again shortly.'));
    const error = await down.api.get('/api/shipments').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    const offline = setup(() => {
      throw new TypeError('fetch failed');
    });
    await expect(offline.api.get('/api/products')).rejects.toBeInstanceOf(NetworkError);
  });

  it('builds the URL from the route template: path parameters encoded, query parameters (an array repeated) after ?', async () => {
    const s = setup(() => Response.json({}));
    await s.api.get('/api/products/{sku}', { path: { sku: 'LAMP 1/2' } });
    await s.api.get('/api/products', { query: { q: 'red lamp', category: undefined, page: 2 } });
    expect(s.calls.map((c) => c.url)).toEqual([
      'http://shop.test/api/products/LAMP%201%2F2',
      'http://shop.test/api/products?q=red+lamp&page=2',
    ]);
    expect(urlOf('/api/things', { query: { tag: ['a', 'b'], none: null } })).toBe('/api/things?tag=a&tag=b');
    expect(() => urlOf('/api/orders/{id}', {})).toThrow(/no value for \{id\}/);
  });

  it('reads with the ETag, and changes against it with If-Match; a stale one is explained', async () => {
    const s = setup((_url, init) =>
      init.method === 'GET'
        ? Response.json({ sku: 'LAMP-1', name: 'Lamp' }, { headers: { etag: '"v3"' } })
        : problem(412, 'Product LAMP-1 is at version 4 now.', { type: '/api/problems/stale-if-match', title: 'Resource changed' }),
    );
    await signedIn(s);
    const read = await s.api.getTagged('/api/products/{sku}', { path: { sku: 'LAMP-1' } });
    expect(read).toEqual({ etag: '"v3"', body: { sku: 'LAMP-1', name: 'Lamp' } });
    const stale = (await s.api
      .patch('/api/products/{sku}', { path: { sku: 'LAMP-1' }, body: { name: 'Desk lamp' }, headers: { 'If-Match': read.etag! } })
      .catch((e: unknown) => e)) as ApiError;
    expect((s.calls[1]!.init.headers as Record<string, string>)['If-Match']).toBe('"v3"');
    expect(stale.status).toBe(412);
    expect(explain(stale, { doing: 'Saving the product' })).toMatchObject({
      tone: 'warning',
      text: expect.stringContaining('Reload the page'),
    });
  });

  it('answers a 204 with null', async () => {
    const s = setup(() => new Response(null, { status: 204 }));
    await signedIn(s);
    expect(await s.api.post('/api/orders/{id}/cancel', { path: { id: 'order-1' } })).toBeNull();
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
      () =>
        new Response(JSON.stringify({ type: '/api/problems/rate-limited', title: 'Rate limit exceeded', status: 429 }), {
          status: 429,
          headers: { 'retry-after': '12' },
        }),
    );
    const limited = (await busy.api.register({ name: 'A', email: 'a@example.org', password: 'x' }).catch((e: unknown) => e)) as ApiError;
    expect(limited).toBeInstanceOf(ApiError);
    expect(limited.retryAfter).toBe(12);
  });
});

describe('a customer being moved to another partition', () => {
  /** The orders cell while it moves the customer: 503 + Retry-After for their writes (and reads of what moved). */
  const moving = (retryAfter: string | null = '1') =>
    new Response(
      JSON.stringify({
        type: '/api/problems/customer-moving',
        title: 'Customer being moved',
        status: 503,
        detail: 'Your orders are being moved; try again in a moment.',
      }),
      {
        status: 503,
        headers: { 'content-type': 'application/problem+json', ...(retryAfter === null ? {} : { 'retry-after': retryAfter }) },
      },
    );
  /** Answers `pauses` times with `pause()`, then with `then()`. */
  const pausing = (pauses: number, then: () => Response, pause = () => moving()) => {
    let left = pauses;
    return () => (left-- > 0 ? pause() : then());
  };
  const key = (init: RequestInit) => (init.headers as Record<string, string>)['Idempotency-Key'];

  it('places the order anyway: the same request, same Idempotency-Key, after the seconds Retry-After gives', async () => {
    const s = setup(pausing(2, () => Response.json({ id: 'order-1', status: 'PENDING' }, { status: 201 })));
    await signedIn(s);
    const body = { lines: [{ sku: 'LAMP-1', quantity: 1 }], shippingAddress };
    const order = await s.api.post('/api/orders', { body, headers: { 'Idempotency-Key': 'key-7' } });
    expect(order).toEqual({ id: 'order-1', status: 'PENDING' });
    expect(s.waits).toEqual([1000, 1000]);
    expect(s.calls).toHaveLength(3);
    expect(s.calls.map((c) => [c.url, c.init.method, key(c.init), c.init.body])).toEqual(
      Array(3).fill(['http://shop.test/api/orders', 'POST', 'key-7', JSON.stringify(body)]),
    );
    expect(s.calls.every((c) => (c.init.headers as Record<string, string>).authorization === 'Bearer token-1')).toBe(true);
  });

  it('cancels an order and reads orders through the pause too', async () => {
    const s = setup(pausing(1, () => Response.json({ id: 'order-1', status: 'CANCELLED' })));
    await signedIn(s);
    expect(await s.api.post('/api/orders/{id}/cancel', { path: { id: 'order-1' } })).toEqual({ id: 'order-1', status: 'CANCELLED' });
    expect(s.calls.map((c) => c.url)).toEqual(Array(2).fill('http://shop.test/api/orders/order-1/cancel'));

    const reads = setup(
      pausing(
        1,
        () => Response.json({ items: [] }),
        () => moving('2'),
      ),
    );
    await signedIn(reads);
    expect(await reads.api.get('/api/orders', { query: { pageSize: 50 }, auth: true })).toEqual({ items: [] });
    expect(reads.waits).toEqual([2000]);
    expect(reads.calls).toHaveLength(2);
  });

  it('gives up after five more tries, and the 503 is passed on as before', async () => {
    const s = setup(() => moving());
    await signedIn(s);
    const error = (await s.api
      .post('/api/orders', { body: { lines: [], shippingAddress }, headers: { 'Idempotency-Key': 'key-8' } })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(503);
    expect(error.retryAfter).toBe(1);
    expect(error.message).toBe('Your orders are being moved; try again in a moment.');
    expect(s.calls).toHaveLength(6);
    expect(s.waits).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('sends nothing again that is not safe to repeat, nor after a long or missing Retry-After', async () => {
    const once = async (pause: () => Response, call: (api: ReturnType<typeof setup>['api']) => Promise<unknown>) => {
      const s = setup(pausing(1, () => Response.json({}), pause));
      await signedIn(s);
      const error = await call(s.api).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(s.calls).toHaveLength(1);
      expect(s.waits).toEqual([]);
    };
    // A POST without an Idempotency-Key (a stock adjustment) and a PATCH could apply twice.
    await once(moving, (api) =>
      api.post('/api/inventory/{sku}/adjustments', { path: { sku: 'LAMP-1' }, body: { delta: 1, reason: 'count' } }),
    );
    await once(moving, (api) =>
      api.patch('/api/products/{sku}', {
        path: { sku: 'LAMP-1' },
        body: { price: { amount: 10, currency: 'USD' } },
        headers: { 'If-Match': '"v1"' },
      }),
    );
    // A Retry-After over 2 s (a partition marked down says 5), none, or one given as a date: not a pause.
    await once(
      () => moving('5'),
      (api) => api.get('/api/orders', { auth: true }),
    );
    await once(
      () => moving(null),
      (api) => api.get('/api/orders', { auth: true }),
    );
    await once(
      () => moving('Wed, 21 Oct 2026 07:28:00 GMT'),
      (api) => api.get('/api/orders', { auth: true }),
    );
    // Other statuses are answered as before: a 429 tells the user to wait.
    await once(
      () =>
        new Response(JSON.stringify({ type: '/api/problems/rate-limited', title: 'Rate limit exceeded', status: 429 }), {
          status: 429,
          headers: { 'retry-after': '1' },
        }),
      (api) => api.get('/api/products'),
    );
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

  it('say plainly that the e-mail or password is wrong (the token endpoint’s 400 invalid_grant)', async () => {
    const s = setup(() =>
      Response.json({ error: 'invalid_grant', error_description: 'The username or password is wrong.' }, { status: 400 }),
    );
    const refused = (await s.api.signIn('alice@example.com', 'nope').catch((e: unknown) => e)) as ApiError;
    expect(refused.status).toBe(400);
    expect(explain(refused, { doing: 'Signing in' })).toEqual({
      tone: 'error',
      text: 'Signing in failed: The username or password is wrong.',
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
  it('opens the order stream with the token and the last event id; a refused token ends the session', async () => {
    const s = setup((_url, init) =>
      (init.headers as Record<string, string>)['last-event-id'] === 'orders-1:9'
        ? problem(401, 'The token has expired.')
        : new Response('event: ready\ndata: {}\n\n', { headers: { 'content-type': 'text/event-stream' } }),
    );
    await signedIn(s);
    const res = await s.api.events('/api/orders/events');
    expect(await res.text()).toContain('event: ready');
    expect(s.calls[0]!.init.headers).toMatchObject({ accept: 'text/event-stream', authorization: 'Bearer token-1' });
    await expect(s.api.events('/api/orders/events', { lastEventId: 'orders-1:9' })).rejects.toBeInstanceOf(SessionExpiredError);
    expect(s.session.isActive()).toBe(false);
    await expect(s.api.events('/api/orders/events')).rejects.toBeInstanceOf(SessionExpiredError);
    expect(s.calls).toHaveLength(2);
  });
});
