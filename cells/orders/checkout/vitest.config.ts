import { defineConfig } from 'vitest/config';

// The event tests run against a private nats-server: on a busy 2-core machine 5 s is too tight for some.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 20_000 } });
