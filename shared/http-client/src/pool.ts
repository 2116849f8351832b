/**
 * Client-side load balancing over the instances of one component: least outstanding requests (ties go
 * round robin), an instance ejected for a back-off after consecutive failures to answer, and a second
 * choice for a retry. Where the instances are comes from `instances()` (the registry's live list, read
 * locally); with none listed, the component's configured URL. Failures counted here are failures to
 * get an answer (refused, reset, timed out), never an answer of any status.
 */
export interface Pool {
  /** Named in errors: `the products cell`, `orders-2 checkout`. */
  readonly name: string;
  /** The origin to send the next request to, other than `avoid` when there is another. */
  pick(avoid?: string): string;
  /** Whether there is an instance besides `origin` to retry on. */
  hasOther(origin: string): boolean;
  /** Around each request: `begin` before sending, `end` once it answered (`ok`) or failed to. */
  begin(origin: string): void;
  end(origin: string, ok: boolean): void;
  /** Each known origin with its outstanding requests and whether it is ejected now. */
  state(): { origin: string; outstanding: number; ejected: boolean }[];
}

export interface PoolOptions {
  name: string;
  /** The live origins (e.g. `http://127.0.0.1:4201`), in a stable order; asked on every pick, so it must be cheap. */
  instances: () => readonly string[];
  /** Used while `instances()` lists none: the component's configured URL. */
  fallback: string;
  /** Consecutive failures before an instance is ejected. Default 3. */
  failuresToEject?: number;
  /** First ejection's length; doubles for each ejection in a row, up to `maxEjectMs`. Default 2000. */
  ejectMs?: number;
  maxEjectMs?: number;
  now?: () => number;
}

interface Health {
  outstanding: number;
  failures: number;
  ejections: number;
  ejectedUntil: number;
}

export function createPool(options: PoolOptions): Pool {
  const { name, failuresToEject = 3, ejectMs = 2_000, maxEjectMs = 30_000, now = Date.now } = options;
  const health = new Map<string, Health>();
  let turn = 0;
  const of = (origin: string): Health => {
    const known = health.get(origin);
    if (known) return known;
    const h = { outstanding: 0, failures: 0, ejections: 0, ejectedUntil: 0 };
    health.set(origin, h);
    return h;
  };
  const candidates = (): readonly string[] => {
    const listed = options.instances();
    return listed.length ? listed : [options.fallback];
  };

  return {
    name,
    pick(avoid) {
      const all = candidates();
      if (all.length === 1) return all[0]!;
      const t = now();
      turn = (turn + 1) % all.length;
      let best: string | undefined;
      let bestLoad = Number.POSITIVE_INFINITY;
      // Healthy ones first; if every one is ejected, the one whose ejection ends first.
      for (let i = 0; i < all.length; i++) {
        const origin = all[(turn + i) % all.length]!;
        if (origin === avoid) continue;
        const h = health.get(origin);
        const load = !h ? 0 : h.ejectedUntil > t ? 1e9 + (h.ejectedUntil - t) : h.outstanding;
        if (load < bestLoad) {
          best = origin;
          bestLoad = load;
        }
      }
      return best ?? all[0]!;
    },
    hasOther: (origin) => candidates().some((o) => o !== origin),
    begin(origin) {
      of(origin).outstanding++;
    },
    end(origin, ok) {
      const h = of(origin);
      h.outstanding = Math.max(0, h.outstanding - 1);
      if (ok) {
        h.failures = 0;
        h.ejections = 0;
        return;
      }
      if (++h.failures >= failuresToEject) {
        h.ejectedUntil = now() + Math.min(maxEjectMs, ejectMs * 2 ** h.ejections);
        h.ejections++;
        h.failures = 0;
      }
    },
    state() {
      const t = now();
      return candidates().map((origin) => {
        const h = health.get(origin);
        return { origin, outstanding: h?.outstanding ?? 0, ejected: (h?.ejectedUntil ?? 0) > t };
      });
    },
  };
}

/** A pool of one fixed origin (no registry): what every caller had before discovery, and tests. */
export const fixedPool = (name: string, origin: string): Pool => createPool({ name, instances: () => [], fallback: origin });
