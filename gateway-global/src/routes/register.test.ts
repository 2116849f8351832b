import { beforeAll, describe, expect, it } from 'vitest';
import { postRegister, postToken, testGateway, testUsers, verifyWithServedJwks } from '../../test/test-support.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];
type FieldErrors = { path: string; message: string }[];

const PASSWORD = 'copper-kettle-42';
let counter = 0;
const newEmail = () => `shopper-${counter++}@example.org`;
// Each test signs up from its own address, so that the per-address limit is exercised only where meant.
const ip = () => `10.1.0.${counter++}`;

let app: App;
beforeAll(async () => {
  ({ app } = await testGateway({ users: await testUsers(), signUpsPerMinute: 1000 }));
});

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as { status: number; detail: string; errors?: FieldErrors };
}

const fieldErrors = async (res: Response) => (await expectProblem(res, 400)).errors ?? [];

describe('POST /auth/register', () => {
  it('creates a customer who can then get a token with the customer scopes', async () => {
    const res = await postRegister(app, { email: '  Ann.Lee@Example.ORG ', password: PASSWORD, name: '  Ann Lee ' }, ip());
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const customer = (await res.json()) as { id: string; email: string; name: string };
    expect(customer).toEqual({ id: expect.stringMatching(/^user-[0-9a-f-]{36}$/), email: 'ann.lee@example.org', name: 'Ann Lee' });

    const token = await postToken(app, { grant_type: 'password', username: 'ANN.LEE@example.org', password: PASSWORD });
    expect(token.status).toBe(200);
    const body = (await token.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('orders:read orders:write');
    const { payload } = await verifyWithServedJwks(app, body.access_token);
    expect(payload).toMatchObject({ sub: customer.id, email: 'ann.lee@example.org', scope: 'orders:read orders:write' });

    const wrong = await postToken(app, { grant_type: 'password', username: 'ann.lee@example.org', password: 'copper-kettle-43' });
    expect(wrong.status).toBe(400);
  });

  it('gives each customer an id of their own', async () => {
    const a = (await (await postRegister(app, { email: newEmail(), password: PASSWORD, name: 'A' }, ip())).json()) as { id: string };
    const b = (await (await postRegister(app, { email: newEmail(), password: PASSWORD, name: 'B' }, ip())).json()) as { id: string };
    expect(a.id).not.toBe(b.id);
  });

  it('refuses an e-mail that has an account already, whatever its case and spacing, with 409', async () => {
    const email = newEmail();
    expect((await postRegister(app, { email, password: PASSWORD, name: 'First' }, ip())).status).toBe(201);
    for (const again of [email, email.toUpperCase(), `  ${email}\t`]) {
      const problem = await expectProblem(
        await postRegister(app, { email: again, password: 'another-pass-99', name: 'Second' }, ip()),
        409,
      );
      expect(problem).toMatchObject({ type: '/api/problems/email-taken', detail: expect.stringMatching(/exists already/) });
    }
    // The first customer's password still works; the second's never took over the account.
    expect((await postToken(app, { grant_type: 'password', username: email, password: PASSWORD })).status).toBe(200);
    expect((await postToken(app, { grant_type: 'password', username: email, password: 'another-pass-99' })).status).toBe(400);
  });

  it('refuses the e-mails of the seeded accounts with 409, so no one can take over the operator or a demo customer', async () => {
    for (const email of ['admin@example.com', 'Alice@Example.com', ' bob@example.com']) {
      await expectProblem(await postRegister(app, { email, password: PASSWORD, name: 'Mallory' }, ip()), 409);
    }
    expect((await postToken(app, { grant_type: 'password', username: 'admin@example.com', password: PASSWORD })).status).toBe(400);
    expect((await postToken(app, { grant_type: 'password', username: 'admin@example.com', password: 'admin' })).status).toBe(200);
  });

  it('holds the demo customers’ e-mails back even when the demo customers are off', async () => {
    const { app: production } = await testGateway({ users: await testUsers({ admin: 'operator-secret-1' }) });
    await expectProblem(await postRegister(production, { email: 'alice@example.com', password: PASSWORD, name: 'Not Alice' }, ip()), 409);
  });

  it('names each field that is wrong with 400', async () => {
    const errors = await fieldErrors(await postRegister(app, { email: 'not-an-email', password: 'short', name: '' }, ip()));
    expect(errors.map((e) => e.path).sort()).toEqual(['email', 'name', 'password']);
    expect(errors.find((e) => e.path === 'password')?.message).toBe('Use at least 10 characters.');

    const missing = await fieldErrors(await postRegister(app, {}, ip()));
    expect(missing.map((e) => e.path).sort()).toEqual(['email', 'name', 'password']);

    const long = await fieldErrors(await postRegister(app, { email: newEmail(), password: PASSWORD, name: 'x'.repeat(101) }, ip()));
    expect(long).toEqual([{ path: 'name', message: 'Use at most 100 characters.' }]);
    const blank = await fieldErrors(await postRegister(app, { email: newEmail(), password: PASSWORD, name: '   ' }, ip()));
    expect(blank).toEqual([{ path: 'name', message: 'Enter your name.' }]);
  });

  it.each([
    ['one character over and over', () => 'aaaaaaaaaaaa', 'Use more than three different characters.'],
    ['two characters taking turns', () => '1212121212', 'Use more than three different characters.'],
    ['a common password', () => 'Password123', 'This is one of the most common passwords; choose another.'],
    ['a common password', () => 'qwertyuiop', 'This is one of the most common passwords; choose another.'],
    ['the e-mail address', (email: string) => email.toUpperCase(), 'Do not use your e-mail address as the password.'],
    ['the e-mail’s local part', (email: string) => email.split('@')[0]!, 'Do not use your e-mail address as the password.'],
  ])('refuses a weak password (%s) with 400 at the password field, and creates nothing', async (_, password, message) => {
    const email = `jonathan.smith${counter++}@example.org`;
    const res = await postRegister(app, { email, password: password(email), name: 'Jon' }, ip());
    expect(await fieldErrors(res)).toEqual([{ path: 'password', message }]);
    expect((await postRegister(app, { email, password: PASSWORD, name: 'Jon' }, ip())).status).toBe(201);
  });

  it('refuses what is not a JSON object, and a body larger than a sign-up', async () => {
    const form = await app.request('/auth/register', { method: 'POST', body: new URLSearchParams({ email: newEmail() }) });
    await expectProblem(form, 415);
    const malformed = await app.request('/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect((await fieldErrors(malformed))[0]?.path).toBe('(body)');
    const huge = await postRegister(app, { email: newEmail(), password: PASSWORD, name: 'Big', padding: 'x'.repeat(10_000) }, ip());
    await expectProblem(huge, 413);
  });
});

describe('POST /auth/register — sign-ups per client address', () => {
  it('allows five a minute from one address, then 429 with Retry-After; other addresses are not affected', async () => {
    let now = 1_000_000;
    const { app: limited } = await testGateway({ users: await testUsers(), now: () => now });
    for (let i = 0; i < 5; i++) {
      expect((await postRegister(limited, { email: newEmail(), password: PASSWORD, name: 'Bot' }, '10.9.9.9')).status).toBe(201);
    }
    const refused = await postRegister(limited, { email: 'sixth@example.org', password: PASSWORD, name: 'Bot' }, '10.9.9.9');
    await expectProblem(refused, 429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Refused means not created: the sixth e-mail is still free once the address may sign up again.
    expect((await postToken(limited, { grant_type: 'password', username: 'sixth@example.org', password: PASSWORD })).status).toBe(400);
    // Asking whether an e-mail has an account (409) counts too.
    await expectProblem(await postRegister(limited, { email: 'admin@example.com', password: PASSWORD, name: 'Bot' }, '10.9.9.9'), 429);

    expect((await postRegister(limited, { email: newEmail(), password: PASSWORD, name: 'Person' }, '10.8.8.8')).status).toBe(201);
    now += Number(refused.headers.get('retry-after')) * 1000;
    expect((await postRegister(limited, { email: 'sixth@example.org', password: PASSWORD, name: 'Bot' }, '10.9.9.9')).status).toBe(201);
  });

  it('does not count a form sent back with mistakes', async () => {
    const { app: limited } = await testGateway({ users: await testUsers(), signUpsPerMinute: 1, now: () => 1_000_000 });
    for (let i = 0; i < 3; i++)
      await fieldErrors(await postRegister(limited, { email: newEmail(), password: 'short', name: 'Typo' }, '10.7.7.7'));
    expect((await postRegister(limited, { email: newEmail(), password: PASSWORD, name: 'Typo' }, '10.7.7.7')).status).toBe(201);
    await expectProblem(await postRegister(limited, { email: newEmail(), password: PASSWORD, name: 'Typo' }, '10.7.7.7'), 429);
  });
});

describe('a registered customer at the token endpoint', () => {
  it('is throttled like the demo customers after repeated wrong passwords', async () => {
    const { app: gateway } = await testGateway({
      users: await testUsers(),
      signUpsPerMinute: 1000,
      login: { maxFailuresPerAccount: 3, maxFailuresPerClient: 100, lockSeconds: 30, maxLockSeconds: 60, concurrentPasswordChecks: 2 },
    });
    const email = newEmail();
    expect((await postRegister(gateway, { email, password: PASSWORD, name: 'Target' }, ip())).status).toBe(201);
    for (let i = 0; i < 3; i++) {
      expect((await postToken(gateway, { grant_type: 'password', username: email, password: `guess-number-${i}` })).status).toBe(400);
    }
    const locked = await postToken(gateway, { grant_type: 'password', username: email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('30');
  });
});
