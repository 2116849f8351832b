import { TooManyRequestsError } from '@retail/kernel';

export interface LoginThrottleSettings {
  /** Password attempts on one account before it is locked (a success starts the count again). */
  maxFailuresPerAccount: number;
  /** Password attempts from one client address, on any accounts, before that address is locked. */
  maxFailuresPerClient: number;
  /** The first lock; each further lock of the same account or client lasts twice as long, up to maxLockSeconds. */
  lockSeconds: number;
  maxLockSeconds: number;
}

export interface LoginThrottle {
  /**
   * Counts a password attempt before it is checked, so that concurrent guesses are counted too; 429 with
   * Retry-After, before any hashing, while the account or the client is locked.
   */
  attempt(username: string, client: string): void;
  /** The password was right: the account's failures are forgiven (the client's are not). */
  succeeded(username: string, client: string): void;
}

interface Attempts {
  attempts: number;
  locks: number;
  lockedUntil: number;
  seenAt: number;
}

/** A key left alone this long starts afresh, and is dropped when room is needed. */
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * Slows password guessing down to a handful per lock period, per account and per client address, with
 * locks that double while the guessing goes on. A locked request is refused before scrypt runs, so a
 * locked attacker cannot make the gateway spend CPU on their guesses either.
 */
export function createLoginThrottle(settings: LoginThrottleSettings, now: () => number = Date.now, maxKeys = 100_000): LoginThrottle {
  const records = new Map<string, Attempts>();

  const recordOf = (key: string, at: number): Attempts => {
    let record = records.get(key);
    if (record && at - record.seenAt > FORGET_AFTER_MS && record.lockedUntil <= at) record = undefined;
    if (!record) {
      if (records.size >= maxKeys) records.delete(records.keys().next().value!);
      record = { attempts: 0, locks: 0, lockedUntil: 0, seenAt: at };
    }
    // Most recently seen last, so the map's front holds the keys to drop first.
    records.delete(key);
    records.set(key, record);
    record.seenAt = at;
    return record;
  };

  const count = (record: Attempts, max: number, at: number) => {
    record.attempts++;
    if (record.attempts < max) return;
    const lockMs = Math.min(settings.lockSeconds * 2 ** record.locks, settings.maxLockSeconds) * 1000;
    record.lockedUntil = at + lockMs;
    record.locks++;
    record.attempts = 0;
  };

  const accountKey = (username: string) => `account:${username.trim().toLowerCase()}`;

  return {
    attempt(username, client) {
      const at = now();
      const account = recordOf(accountKey(username), at);
      const address = recordOf(`client:${client}`, at);
      const lockedUntil = Math.max(account.lockedUntil, address.lockedUntil);
      if (lockedUntil > at) {
        const seconds = Math.ceil((lockedUntil - at) / 1000);
        throw new TooManyRequestsError(seconds, { kind: 'sign-in-locked', detail: `Too many failed sign-ins; try again in ${seconds} s.` });
      }
      count(account, settings.maxFailuresPerAccount, at);
      count(address, settings.maxFailuresPerClient, at);
    },
    succeeded(username) {
      records.delete(accountKey(username));
    },
  };
}

/** What the token endpoint is built with unless told otherwise (gateway-global's env defaults). */
export const DEFAULT_LOGIN_SETTINGS: LoginThrottleSettings & { concurrentPasswordChecks: number } = {
  maxFailuresPerAccount: 5,
  maxFailuresPerClient: 20,
  lockSeconds: 30,
  maxLockSeconds: 15 * 60,
  concurrentPasswordChecks: 4,
};
