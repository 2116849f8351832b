import { describe, expect, it } from 'vitest';
import { ConfigError } from '@retail/kernel';
import { loadEnv } from './env.ts';

describe('configuration', () => {
  it('runs locally with no settings at all', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      issuer: 'http://127.0.0.1:8080',
      tokenTtlSeconds: 900,
      keysDir: '.data/keys',
      demoPasswords: { alice: 'alice', bob: 'bob', admin: 'admin' },
      clientSecrets: {
        products: 'products-dev-secret',
        inventory: 'inventory-dev-secret',
        orders: 'orders-dev-secret',
        shipping: 'shipping-dev-secret',
      },
      rateLimit: { perSecond: 50, burst: 100, trustProxy: false },
      corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
      nats: { url: 'nats://127.0.0.1:4222' },
      healthTimeoutMs: 1_000,
    });
    expect(env.storefrontDir).toMatch(/storefront[/\\]public$/);
    expect(env.cellGateways.map((g) => [g.cell.name, g.url])).toEqual([
      ['products', 'http://127.0.0.1:4100'],
      ['inventory', 'http://127.0.0.1:4300'],
      ['orders', 'http://127.0.0.1:4200'],
      ['shipping', 'http://127.0.0.1:4400'],
    ]);
  });

  it('takes every setting from the environment', () => {
    const env = loadEnv({
      PORT: '9000',
      DATA_DIR: '/var/lib/retail',
      ISSUER: 'https://shop.example/',
      TOKEN_TTL_SECONDS: '300',
      DEMO_PASSWORD_ADMIN: 's3cret',
      CLIENT_SECRET_PRODUCTS: 'long-random-secret',
      PRODUCTS_GATEWAY_URL: 'http://products-gateway:4100',
      RATE_LIMIT_PER_SECOND: '0',
      TRUST_PROXY: 'true',
      CORS_ORIGINS: 'https://shop.example, https://admin.shop.example',
      NATS_URL: 'nats://nats:4222',
      NATS_USER: 'edge',
      NATS_PASS: 'edge-secret',
      STOREFRONT_DIR: '',
      CONSOLE_HEALTH_TIMEOUT_MS: '500',
    });
    expect(env).toMatchObject({
      port: 9000,
      keysDir: '/var/lib/retail/keys',
      issuer: 'https://shop.example',
      tokenTtlSeconds: 300,
      demoPasswords: { admin: 's3cret' },
      clientSecrets: { products: 'long-random-secret' },
      rateLimit: { perSecond: 0, trustProxy: true },
      corsOrigins: ['https://shop.example', 'https://admin.shop.example'],
      nats: { url: 'nats://nats:4222', user: 'edge', pass: 'edge-secret' },
      healthTimeoutMs: 500,
    });
    // Empty: this gateway serves no storefront (it is hosted elsewhere).
    expect(env.storefrontDir).toBeUndefined();
    expect(env.cellGateways[0]?.url).toBe('http://products-gateway:4100');
  });

  it('stops with a clear message on a bad value', () => {
    expect(() => loadEnv({ RATE_LIMIT_BURST: '0' })).toThrow(ConfigError);
    expect(() => loadEnv({ PRODUCTS_GATEWAY_URL: 'not a url' })).toThrow(/PRODUCTS_GATEWAY_URL/);
  });
});
