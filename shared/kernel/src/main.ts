import { ConfigError } from './env.ts';

/** Run a composition root; configuration errors print plainly, anything else is logged, and the process exits 1. */
export function runMain(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) console.error(error.message);
    else console.error('fatal: failed to start', error);
    process.exit(1);
  });
}
