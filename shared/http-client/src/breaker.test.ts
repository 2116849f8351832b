import { expect, it } from 'vitest';
import { BreakerOpenError, createCircuitBreaker } from './breaker.ts';

const down = () => Promise.reject(new Error('connection refused'));
const up = () => Promise.resolve('ok');

it('opens after consecutive failures, fails fast while open, and closes after a successful trial', async () => {
  let clock = 0;
  const breaker = createCircuitBreaker({ name: 'products', failureThreshold: 3, resetAfterMs: 1_000, now: () => clock });
  for (let i = 0; i < 3; i++) await expect(breaker.run(down)).rejects.toThrow('connection refused');
  expect(breaker.state()).toBe('open');
  let called = false;
  await expect(
    breaker.run(async () => {
      called = true;
      return 'x';
    }),
  ).rejects.toBeInstanceOf(BreakerOpenError);
  expect(called).toBe(false);
  clock = 1_000;
  expect(breaker.state()).toBe('half-open');
  await expect(breaker.run(up)).resolves.toBe('ok');
  expect(breaker.state()).toBe('closed');
});

it('re-opens when the trial fails, and does not count answers that are not outages', async () => {
  let clock = 0;
  const breaker = createCircuitBreaker({ name: 'products', failureThreshold: 1, resetAfterMs: 100, now: () => clock });
  await expect(breaker.run(down)).rejects.toThrow();
  clock = 100;
  await expect(breaker.run(down)).rejects.toThrow();
  expect(breaker.state()).toBe('open');
  clock = 200;
  const notFound = Object.assign(new Error('404'), { status: 404 });
  await expect(
    breaker.run(
      () => Promise.reject(notFound),
      () => false,
    ),
  ).rejects.toBe(notFound);
  expect(breaker.state()).toBe('closed');
});
