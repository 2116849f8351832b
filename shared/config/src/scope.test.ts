import { describe, expect, it } from 'vitest';
import { checkSetting } from './entry.ts';
import { configKey, parseConfigKey, parseScope, scopeChain } from './scope.ts';
import { settingNamed } from './settings.ts';

describe('scopes', () => {
  it('parses every level and checks it against the topology', () => {
    expect(parseScope('system').level).toBe('system');
    expect(parseScope('orders')).toMatchObject({ level: 'cell', cell: 'orders' });
    expect(parseScope('orders-2')).toMatchObject({ level: 'partition', cell: 'orders', partition: 'orders-2' });
    expect(parseScope('orders/checkout')).toMatchObject({ level: 'component', cell: 'orders', component: 'checkout' });
    expect(parseScope('orders-2/checkout')).toMatchObject({ level: 'component', partition: 'orders-2' });
    expect(parseScope('products/gateway')).toMatchObject({ level: 'component', component: 'gateway' });
    expect(parseScope('orders-2/checkout/p4123-9f3a')).toMatchObject({ level: 'instance', instance: 'p4123-9f3a' });
    expect(parseScope('gateway-global')).toMatchObject({ level: 'component', cell: 'gateway-global' });
    expect(parseScope('gateway-global/p1-ab')).toMatchObject({ level: 'instance', instance: 'p1-ab' });
  });

  it('refuses what the topology does not have, saying what it has', () => {
    expect(() => parseScope('order')).toThrow(/"order" is not a cell.*products/);
    expect(() => parseScope('products-2')).toThrow(/products cell is not partitioned/);
    expect(() => parseScope('orders/chekout')).toThrow(/no component "chekout" \(it has orders, checkout, gateway\)/);
    expect(() => parseScope('orders/checkout/p1')).toThrow(/name it, e.g. orders-1\/checkout\/p1/);
    expect(() => parseScope('products/catalog/p.1')).toThrow(/not an instance id/);
    expect(() => parseScope('orders//checkout')).toThrow(/empty parts/);
    expect(() => parseScope('gateway-global/a/b')).toThrow(/gateway-global has no components/);
  });

  it('maps a scope and setting to a key and back', () => {
    expect(configKey('system', 'LOG_LEVEL')).toBe('system.LOG_LEVEL');
    expect(configKey('orders/checkout', 'BREAKER_FAILURES')).toBe('orders.checkout.BREAKER_FAILURES');
    expect(configKey('orders-2/checkout/p4123-9f3a', 'LOG_LEVEL')).toBe('orders-2.checkout.p4123-9f3a.LOG_LEVEL');
    expect(configKey('gateway-global', 'RATE_LIMIT_PER_SECOND')).toBe('gateway-global.RATE_LIMIT_PER_SECOND');
    expect(parseConfigKey('orders-2.checkout.p4123-9f3a.LOG_LEVEL')).toEqual({
      scope: 'orders-2/checkout/p4123-9f3a',
      setting: 'LOG_LEVEL',
    });
    expect(parseConfigKey('nodots')).toBeUndefined();
  });

  it('orders the scopes of a process from the widest to the narrowest', () => {
    expect(scopeChain({ cell: 'orders', partition: 'orders-2', component: 'checkout', instance: 'p1' })).toEqual([
      'system',
      'orders',
      'orders-2',
      'orders/checkout',
      'orders-2/checkout',
      'orders-2/checkout/p1',
    ]);
    // The registry's shape: the running cell is the partition.
    expect(scopeChain({ cell: 'orders-2', component: 'checkout' })).toEqual([
      'system',
      'orders',
      'orders-2',
      'orders/checkout',
      'orders-2/checkout',
    ]);
    expect(scopeChain({ cell: 'products', component: 'gateway', instance: 'p2' })).toEqual([
      'system',
      'products',
      'products/gateway',
      'products/gateway/p2',
    ]);
    expect(scopeChain({ cell: 'edge', component: 'gateway-global', instance: 'p3' })).toEqual([
      'system',
      'gateway-global',
      'gateway-global/p3',
    ]);
  });
});

describe('settings', () => {
  it('refuses names outside the catalog, secrets by name', () => {
    expect(() => settingNamed('WORKLOAD_SECRET')).toThrow(/looks like a secret: secrets never go into the config bucket/);
    expect(() => settingNamed('NATS_PASS')).toThrow(/looks like a secret/);
    expect(() => settingNamed('PORT')).toThrow(/PORT is not a setting the config bucket holds; it holds LOG_LEVEL/);
  });

  it('checks values, and where a setting may be set', () => {
    expect(checkSetting('inventory/allocation', 'BREAKER_FAILURES', '5')).toEqual({
      scope: 'inventory/allocation',
      setting: 'BREAKER_FAILURES',
      value: 5,
    });
    expect(checkSetting('shipping/shipments', 'AUTO_DISPATCH_AFTER_MS', '')).toMatchObject({ value: 0 });
    expect(checkSetting('system', 'LOG_LEVEL', 'debug')).toMatchObject({ value: 'debug' });
    expect(checkSetting('orders', 'RATE_LIMIT_BURST', 20)).toMatchObject({ value: 20 });
    expect(() => checkSetting('inventory/allocation', 'BREAKER_FAILURES', '0')).toThrow(/"0" is not a valid BREAKER_FAILURES: .*>=1/);
    expect(() => checkSetting('orders/checkout', 'BREAKER_FAILURES', '5')).toThrow(/does not apply to anything in orders\/checkout/);
    expect(() => checkSetting('products/gateway', 'RATE_LIMIT_BURST', '')).toThrow(/not a valid RATE_LIMIT_BURST/);
    expect(() => checkSetting('system', 'LOG_LEVEL', 'loud')).toThrow(/not a valid LOG_LEVEL/);
    expect(() => checkSetting('products/catalog', 'RATE_LIMIT_BURST', '5')).toThrow(/does not apply to anything in products\/catalog/);
    expect(() => checkSetting('products', 'AUTO_DISPATCH_AFTER_MS', '5')).toThrow(/does not apply/);
  });
});
