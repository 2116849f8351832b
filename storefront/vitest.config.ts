import { defineConfig } from 'vitest/config';

// The browser modules' logic (cart, session, API errors, messages) runs in Node with storage and fetch passed in.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
