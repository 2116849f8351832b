import { TooManyRequestsError } from '@retail/kernel';

export interface PasswordChecks {
  /** Runs a password check (one scrypt) when a slot is free or soon will be; 429 when too many wait already. */
  run<T>(check: () => Promise<T>): Promise<T>;
}

/**
 * A password check is ~50 ms of CPU on libuv's small thread pool, so that is the currency a flood of
 * guesses from many addresses would spend. At most `concurrency` run at once and a few more wait;
 * anyone beyond that is told to come back (429) rather than queued without bound.
 */
export function createPasswordChecks(concurrency: number, maxWaiting = concurrency * 8): PasswordChecks {
  let running = 0;
  const waiting: Array<() => void> = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  return {
    async run(check) {
      if (running >= concurrency) {
        if (waiting.length >= maxWaiting) throw new TooManyRequestsError(1);
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      try {
        return await check();
      } finally {
        release();
      }
    },
  };
}
