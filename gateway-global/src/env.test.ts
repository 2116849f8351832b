import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      accountsFile: '.data/accounts.db',
      signUpsPerMinute: 5,
      demoPasswords: { alice: 'alice', bob: 'bob', admin: 'admin' },
      clientSecrets: {
        products: 'products-dev-secret',
        inventory: 'inventory-dev-secret',
        // Each partition of the orders cell is a client of its own.
        'orders-1': 'orders-1-dev-secret',
        'orders-2': 'orders-2-dev-secret',
        shipping: 'shipping-dev-secret',
      },
      rateLimit: { perSecond: 50, burst: 100, trustProxy: false },
      login: { maxFailuresPerAccount: 5, maxFailuresPerClient: 20, lockSeconds: 30, maxLockSeconds: 900, concurrentPasswordChecks: 4 },
      // The storefront is served from this origin: no other origin is allowed by default.
      corsOrigins: [],
      nats: { url: 'nats://127.0.0.1:4222' },
      healthTimeoutMs: 1_000,
      placement: { url: 'http://127.0.0.1:4500', refreshMs: 1_000 },
    });
    expect(env.clientSecrets).not.toHaveProperty('orders');
    expect(env.storefrontDir).toMatch(/storefront[/\\]public$/);
    // The running system: the orders cell as its partitions, each with its own gateway.
    expect(env.cellGateways.map((g) => [g.cell.name, g.cell.partition, g.url])).toEqual([
      ['placement', undefined, 'http://127.0.0.1:4500'],
      ['products', undefined, 'http://127.0.0.1:4100'],
      ['inventory', undefined, 'http://127.0.0.1:4300'],
      ['orders', 'orders-1', 'http://127.0.0.1:4200'],
      ['orders', 'orders-2', 'http://127.0.0.1:4600'],
      ['shipping', undefined, 'http://127.0.0.1:4400'],
    ]);
  });

  it('runs as many partitions as ORDERS_PARTITIONS says, each gateway and client secret its own setting', () => {
    const env = loadEnv({
      ORDERS_PARTITIONS: '3',
      ORDERS_2_GATEWAY_URL: 'http://orders-2-gateway:4600',
      CLIENT_SECRET_ORDERS_3: 'orders-3-secret',
      PLACEMENT_GATEWAY_URL: 'http://placement-gateway:4500/',
      PLACEMENT_REFRESH_MS: '250',
    });
    const orders = env.cellGateways.filter((g) => g.cell.name === 'orders');
    expect(orders.map((g) => [g.cell.partition, g.url])).toEqual([
      ['orders-1', 'http://127.0.0.1:4200'],
      ['orders-2', 'http://orders-2-gateway:4600'],
      ['orders-3', 'http://127.0.0.1:4610'],
    ]);
    expect(env.clientSecrets['orders-3']).toBe('orders-3-secret');
    expect(env.placement).toEqual({ url: 'http://placement-gateway:4500', refreshMs: 250 });
    expect(() => loadEnv({ ORDERS_PARTITIONS: '12' })).toThrow(ConfigError);
    expect(() => loadEnv({ ORDERS_PARTITIONS: '12' })).toThrow(/ORDERS_PARTITIONS/);
    expect(() => loadEnv({ PLACEMENT_GATEWAY_URL: 'placement' })).toThrow(/PLACEMENT_GATEWAY_URL/);
  });

  it('takes every setting from the environment', () => {
    const env = loadEnv({
      PORT: '9000',
      DATA_DIR: '/var/lib/retail',
      ISSUER: 'https://shop.example/',
      TOKEN_TTL_SECONDS: '300',
      ADMIN_PASSWORD: 's3cret',
      CLIENT_SECRET_PRODUCTS: 'long-random-secret',
      PRODUCTS_GATEWAY_URL: 'http://products-gateway:4100',
      RATE_LIMIT_PER_SECOND: '0',
      REGISTER_RATE_PER_MINUTE: '0',
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
      accountsFile: '/var/lib/retail/accounts.db',
      signUpsPerMinute: 0,
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
    expect(env.cellGateways.find((g) => g.cell.name === 'products')?.url).toBe('http://products-gateway:4100');
  });

  describe('in production (NODE_ENV=production)', () => {
    const strong = (name: string) => `${name}-${'x'.repeat(20)}`;
    const deployed = (extra: Record<string, string> = {}) => ({
      NODE_ENV: 'production',
      ADMIN_PASSWORD: strong('admin'),
      CLIENT_SECRET_PLACEMENT: strong('placement'),
      CLIENT_SECRET_PRODUCTS: strong('products'),
      CLIENT_SECRET_INVENTORY: strong('inventory'),
      CLIENT_SECRET_ORDERS_1: strong('orders-1'),
      CLIENT_SECRET_ORDERS_2: strong('orders-2'),
      CLIENT_SECRET_SHIPPING: strong('shipping'),
      ...extra,
    });

    it('refuses to start without its secrets, naming each', () => {
      expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(
        /ADMIN_PASSWORD: required in production[\s\S]*CLIENT_SECRET_PRODUCTS: required/,
      );
    });

    it('refuses a known development default, naming the variable', () => {
      expect(() => loadEnv(deployed({ CLIENT_SECRET_ORDERS_2: 'orders-2-dev-secret' }))).toThrow(
        /CLIENT_SECRET_ORDERS_2: is the development default/,
      );
      expect(() => loadEnv(deployed({ ADMIN_PASSWORD: 'admin' }))).toThrow(/ADMIN_PASSWORD/);
      expect(() => loadEnv(deployed({ NATS_USER: 'edge', NATS_PASS: 'edge-nats-dev' }))).toThrow(/NATS_PASS: is the development default/);
      expect(() => loadEnv(deployed({ ADMIN_PASSWORD: 'short' }))).toThrow(/ADMIN_PASSWORD: too short/);
    });

    it('has no demo customers unless DEMO_USERS=true, and then needs their passwords', () => {
      expect(loadEnv(deployed()).demoPasswords).toEqual({ admin: strong('admin') });
      expect(() => loadEnv(deployed({ DEMO_USERS: 'true' }))).toThrow(/DEMO_PASSWORD_ALICE: required/);
      const withDemo = loadEnv(deployed({ DEMO_USERS: 'true', DEMO_PASSWORD_ALICE: strong('alice'), DEMO_PASSWORD_BOB: strong('bob') }));
      expect(withDemo.demoPasswords).toEqual({ admin: strong('admin'), alice: strong('alice'), bob: strong('bob') });
    });

    it('reads a secret from the file NAME_FILE names (how compose hands them over)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
      writeFileSync(join(dir, 'ADMIN_PASSWORD'), `${strong('from-file')}\n`);
      const { ADMIN_PASSWORD: _, ...rest } = deployed();
      expect(loadEnv({ ...rest, ADMIN_PASSWORD_FILE: join(dir, 'ADMIN_PASSWORD') }).demoPasswords.admin).toBe(strong('from-file'));
      expect(() => loadEnv({ ...rest, ADMIN_PASSWORD_FILE: join(dir, 'missing') })).toThrow(/ADMIN_PASSWORD_FILE: cannot read/);
      rmSync(dir, { recursive: true });
    });
  });

  it('stops with a clear message on a bad value', () => {
    expect(() => loadEnv({ RATE_LIMIT_BURST: '0' })).toThrow(ConfigError);
    expect(() => loadEnv({ PRODUCTS_GATEWAY_URL: 'not a url' })).toThrow(/PRODUCTS_GATEWAY_URL/);
  });
});
