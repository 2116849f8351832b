import { expect, it } from 'vitest';
import type { KvEntry } from '@retail/events';
import { encodeSetting } from './entry.ts';
import { effectiveConfig, settingsFor } from './resolve.ts';
import { configKey } from './scope.ts';

const bucket = (...values: (readonly [scope: string, setting: string, value: string | number, source: string])[]) =>
  new Map<string, KvEntry>(
    values.map(([scope, setting, value, source]) => {
      const key = configKey(scope, setting);
      return [key, { key, value: encodeSetting(value, source), at: new Date() }];
    }),
  );

const checkout = { cell: 'orders', partition: 'orders-2', component: 'checkout', instance: 'p4123-9f3a' };

it('takes the narrowest scope that sets a value, and says where it came from', () => {
  const file = 'config/development.yaml';
  const levels = ['system', 'orders', 'orders-2', 'orders/checkout', 'orders-2/checkout', 'orders-2/checkout/p4123-9f3a'];
  // Each level in turn is the narrowest that sets LOG_LEVEL.
  for (let i = 0; i < levels.length; i++) {
    const entries = bucket(
      ...levels
        .slice(0, i + 1)
        .map((scope, n) => [scope, 'LOG_LEVEL', ['info', 'warn', 'error', 'debug', 'trace', 'silent'][n]!, file] as const),
    );
    expect(effectiveConfig(entries, checkout).LOG_LEVEL).toEqual({
      value: ['info', 'warn', 'error', 'debug', 'trace', 'silent'][i],
      source: `${levels[i]} (${file})`,
    });
  }
  const entries = bucket(
    ['system', 'LOG_LEVEL', 'info', file],
    ['orders/checkout', 'LOG_LEVEL', 'debug', 'operator'],
    ['orders-1', 'LOG_LEVEL', 'warn', 'operator'],
  );
  expect(effectiveConfig(entries, checkout)).toEqual({
    LOG_LEVEL: { value: 'debug', source: 'orders/checkout (operator)' },
  });
  // Another partition's value is not this one's.
  expect(effectiveConfig(entries, { cell: 'orders-1', component: 'orders' }).LOG_LEVEL).toEqual({
    value: 'warn',
    source: 'orders-1 (operator)',
  });
});

it('knows which settings apply to which process', () => {
  expect(settingsFor({ cell: 'products', component: 'gateway' })).toEqual(['LOG_LEVEL', 'RATE_LIMIT_PER_SECOND', 'RATE_LIMIT_BURST']);
  expect(settingsFor({ cell: 'edge', component: 'gateway-global' })).toEqual(['LOG_LEVEL', 'RATE_LIMIT_PER_SECOND', 'RATE_LIMIT_BURST']);
  expect(settingsFor({ cell: 'inventory', component: 'allocation' })).toEqual(['LOG_LEVEL', 'BREAKER_FAILURES', 'BREAKER_RESET_MS']);
  expect(settingsFor({ cell: 'shipping', component: 'shipments' })).toEqual([
    'LOG_LEVEL',
    'AUTO_DISPATCH_AFTER_MS',
    'AUTO_DELIVER_AFTER_MS',
  ]);
  expect(settingsFor({ cell: 'products', component: 'catalog' })).toEqual(['LOG_LEVEL']);
});
