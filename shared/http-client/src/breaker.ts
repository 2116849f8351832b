/**
 * A circuit breaker: after `failureThreshold` consecutive failures the circuit opens and calls fail at
 * once (no waiting on a dead dependency); after `resetAfterMs` one trial call is let through, and its
 * success closes the circuit again.
 */
export interface CircuitBreaker {
  /**
   * Throws BreakerOpenError without calling `fn` while the circuit is open. `isFailure` tells which
   * errors mean the dependency is down (a 4xx answer does not).
   */
  run<T>(fn: () => Promise<T>, isFailure?: (error: unknown) => boolean): Promise<T>;
  state(): 'closed' | 'open' | 'half-open';
  /** New thresholds, applied from the next call on (live configuration: BREAKER_FAILURES, BREAKER_RESET_MS). */
  configure(settings: { failureThreshold?: number; resetAfterMs?: number }): void;
}

export class BreakerOpenError extends Error {
  constructor(name: string) {
    super(`circuit for ${name} is open`);
  }
}

export interface BreakerOptions {
  name: string;
  failureThreshold?: number;
  resetAfterMs?: number;
  now?: () => number;
}

export function createCircuitBreaker(options: BreakerOptions): CircuitBreaker {
  const { name, now = Date.now } = options;
  let { failureThreshold = 3, resetAfterMs = 5_000 } = options;
  let failures = 0;
  let openedAt: number | undefined;
  let trialInFlight = false;

  const state = () => (openedAt === undefined ? 'closed' : now() - openedAt >= resetAfterMs ? 'half-open' : 'open');

  return {
    state,
    configure(settings) {
      failureThreshold = settings.failureThreshold ?? failureThreshold;
      resetAfterMs = settings.resetAfterMs ?? resetAfterMs;
    },
    async run(fn, isFailure = () => true) {
      const current = state();
      if (current === 'open' || (current === 'half-open' && trialInFlight)) throw new BreakerOpenError(name);
      if (current === 'half-open') trialInFlight = true;
      try {
        const result = await fn();
        failures = 0;
        openedAt = undefined;
        return result;
      } catch (error) {
        if (!isFailure(error)) {
          failures = 0;
          openedAt = undefined;
          throw error;
        }
        failures++;
        if (current === 'half-open' || failures >= failureThreshold) openedAt = now();
        throw error;
      } finally {
        if (current === 'half-open') trialInFlight = false;
      }
    },
  };
}
