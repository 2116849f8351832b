import { expect, it } from 'vitest';
import { loadEnv } from './env.ts';

it('leaves automatic dispatch and delivery off unless configured', () => {
  expect(loadEnv({})).toMatchObject({
    PORT: 4401,
    AUTO_DISPATCH_AFTER_MS: 0,
    AUTO_DELIVER_AFTER_MS: 0,
    CELL_GATEWAY_URL: 'http://127.0.0.1:4400',
  });
  expect(loadEnv({ AUTO_DISPATCH_AFTER_MS: '5000', AUTO_DELIVER_AFTER_MS: '20000' })).toMatchObject({
    AUTO_DISPATCH_AFTER_MS: 5000,
    AUTO_DELIVER_AFTER_MS: 20000,
  });
});

it('refuses a delay that is not a whole, non-negative number of milliseconds', () => {
  expect(() => loadEnv({ AUTO_DISPATCH_AFTER_MS: '-1' })).toThrow(/AUTO_DISPATCH_AFTER_MS/);
  expect(() => loadEnv({ AUTO_DELIVER_AFTER_MS: 'soon' })).toThrow(/AUTO_DELIVER_AFTER_MS/);
});
