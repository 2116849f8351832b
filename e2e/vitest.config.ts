import { defineConfig } from 'vitest/config';

// Every file starts its own system on free ports; run them one at a time on a 2-core machine.
export default defineConfig({ test: { include: ['api/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 90_000, fileParallelism: false } });
