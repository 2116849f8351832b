// The signed-in user: the access token from gateway-global's token service, kept until it expires.

/**
 * @typedef {{ token: string, email: string, scopes: string[], expiresAt: number }} SessionData
 */

/** Scopes that open the admin views. */
export const ADMIN_SCOPES = ['products:write', 'inventory:write', 'shipments:write'];

/**
 * @param {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>} storage
 * @param {{ key?: string, now?: () => number }} [options]
 */
export function createSession(storage, options = {}) {
  const key = options.key ?? 'retail.session';
  const now = options.now ?? Date.now;
  /** @type {Set<() => void>} */
  const listeners = new Set();
  const changed = () => {
    for (const listener of listeners) listener();
  };

  /** @returns {SessionData | null} */
  const read = () => {
    try {
      const data = JSON.parse(storage.getItem(key) ?? 'null');
      return data && typeof data.token === 'string' && typeof data.expiresAt === 'number' ? data : null;
    } catch {
      return null;
    }
  };

  return {
    /** The stored session, even when it has expired (so the shop can say so). */
    current: read,
    /** Signed in with a token that has not expired yet. */
    isActive() {
      const s = read();
      return !!s && s.expiresAt > now();
    },
    /** A stored session whose token has run out. */
    isExpired() {
      const s = read();
      return !!s && s.expiresAt <= now();
    },
    /** @param {string} scope */
    hasScope(scope) {
      return read()?.scopes.includes(scope) ?? false;
    },
    isAdmin() {
      const scopes = read()?.scopes ?? [];
      return ADMIN_SCOPES.some((s) => scopes.includes(s));
    },
    /**
     * Keep the answer of `POST /auth/token`. Expiry is taken a few seconds early, so a request is not
     * sent with a token that runs out on its way.
     * @param {string} email
     * @param {{ access_token: string, expires_in: number, scope?: string }} answer
     */
    start(email, answer) {
      const data = {
        token: answer.access_token,
        email,
        scopes: (answer.scope ?? '').split(' ').filter(Boolean),
        expiresAt: now() + (answer.expires_in - 5) * 1000,
      };
      storage.setItem(key, JSON.stringify(data));
      changed();
    },
    end() {
      storage.removeItem(key);
      changed();
    },
    /** @param {() => void} listener */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changedElsewhere: changed,
  };
}

/** @typedef {ReturnType<typeof createSession>} Session */
