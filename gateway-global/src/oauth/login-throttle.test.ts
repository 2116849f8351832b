import type { HttpBindings } from '@hono/node-server';
import { beforeAll, describe, expect, it } from 'vitest';
import { testGateway, testUsers } from '../../test/test-support.ts';
import { createPasswordChecks } from './password-checks.ts';
import type { UserDirectory } from './user-directory.ts';

type App = Awaited<ReturnType<typeof testGateway>>['app'];

const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } }) as unknown as HttpBindings;
const login = (app: App, username: string, password: string, ip = '10.0.0.1') =>
  app.request('/auth/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'password', username, password }) }, from(ip));

let users: UserDirectory;
beforeAll(async () => {
  users = await testUsers();
});

/** A gateway on a clock the test moves, counting the password checks (scrypt) it runs. */
async function throttled() {
  let now = 1_000_000;
  let checks = 0;
  const counting: UserDirectory = {
    ...users,
    authenticate: (username, password) => {
      checks++;
      return users.authenticate(username, password);
    },
  };
  const { app } = await testGateway({
    users: counting,
    now: () => now,
    login: { maxFailuresPerAccount: 3, maxFailuresPerClient: 10, lockSeconds: 30, maxLockSeconds: 90, concurrentPasswordChecks: 4 },
  });
  return {
    app,
    checks: () => checks,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

describe('password guessing', () => {
  it('locks the account after a few wrong passwords, refusing even the right one without checking it', async () => {
    const { app, checks, advance } = await throttled();
    for (let i = 0; i < 3; i++) expect((await login(app, 'alice@example.com', `guess-${i}`, `10.0.0.${i}`)).status).toBe(400);

    const locked = await login(app, 'alice@example.com', 'alice', '10.0.0.9');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('30');
    expect(locked.headers.get('content-type')).toBe('application/problem+json');
    expect(await locked.json()).toMatchObject({ type: '/api/problems/sign-in-locked', status: 429 });
    expect(checks()).toBe(3);
    // Another account is not affected.
    expect((await login(app, 'bob@example.com', 'bob', '10.0.0.9')).status).toBe(200);

    advance(30);
    expect((await login(app, 'alice@example.com', 'alice')).status).toBe(200);
  });

  it('locks for twice as long each time the guessing goes on, up to the maximum', async () => {
    const { app, advance } = await throttled();
    let guesses = 0;
    // From a new address each time: this is about the account's lock.
    const guess = () => login(app, 'alice@example.com', 'wrong', `10.2.0.${guesses++}`);
    const lockAfterGuesses = async () => {
      for (let i = 0; i < 3; i++) await guess();
      return (await guess()).headers.get('retry-after');
    };
    expect(await lockAfterGuesses()).toBe('30');
    advance(30);
    expect(await lockAfterGuesses()).toBe('60');
    advance(60);
    expect(await lockAfterGuesses()).toBe('90');
    advance(90);
    expect(await lockAfterGuesses()).toBe('90');
  });

  it('locks a client address that guesses across many accounts', async () => {
    const { app } = await throttled();
    for (let i = 0; i < 10; i++) expect((await login(app, `nobody-${i}@example.com`, 'x', '10.6.6.6')).status).toBe(400);
    expect((await login(app, 'bob@example.com', 'bob', '10.6.6.6')).status).toBe(429);
    expect((await login(app, 'bob@example.com', 'bob', '10.7.7.7')).status).toBe(200);
  });

  it('counts guesses sent at the same time, not only those already answered', async () => {
    const { app, checks } = await throttled();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => login(app, 'alice@example.com', `guess-${i}`, `10.1.0.${i}`)));
    expect(answers.filter((r) => r.status === 400)).toHaveLength(3);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(7);
    expect(checks()).toBe(3);
  });
});

describe('password checks', () => {
  it('runs only so many at once, lets a few wait and turns the rest away with 429', async () => {
    const checks = createPasswordChecks(1, 1);
    let release!: () => void;
    const first = checks.run(() => new Promise<string>((resolve) => (release = () => resolve('first'))));
    const second = checks.run(async () => 'second');
    await expect(checks.run(async () => 'third')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    release();
    expect(await first).toBe('first');
    expect(await second).toBe('second');
  });
});
