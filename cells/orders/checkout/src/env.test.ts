import { ConfigError } from '@retail/kernel';
import { expect, it } from 'vitest';
import { loadEnv } from './env.ts';

it('knows every partition’s gateway: ORDERS_<n>_GATEWAY_URL, by default where the descriptor puts it', () => {
  expect(loadEnv({}).partitionGateways).toEqual({ 'orders-1': 'http://127.0.0.1:4200', 'orders-2': 'http://127.0.0.1:4600' });
  const three = loadEnv({ ORDERS_PARTITIONS: '3', CELL_PARTITION: 'orders-3', ORDERS_2_GATEWAY_URL: 'http://orders-2-gateway:4600' });
  expect(three.partitionGateways).toEqual({
    'orders-1': 'http://127.0.0.1:4200',
    'orders-2': 'http://orders-2-gateway:4600',
    'orders-3': 'http://127.0.0.1:4610',
  });
});

it('refuses to start with a gateway URL that is not one, or a partition count out of range', () => {
  expect(() => loadEnv({ ORDERS_1_GATEWAY_URL: 'not a url' })).toThrow(/ORDERS_1_GATEWAY_URL/);
  expect(() => loadEnv({ ORDERS_PARTITIONS: '12' })).toThrow(ConfigError);
});
