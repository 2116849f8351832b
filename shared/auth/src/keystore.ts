import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type JSONWebKeySet } from 'jose';

export type SigningAlgorithm = 'ES256' | 'EdDSA';

interface StoredKey {
  kid: string;
  alg: SigningAlgorithm;
  createdAt: number;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

export interface KeyStore {
  /** The newest key; tokens are signed with it. */
  current(): SigningKey;
  /**
   * Public keys of the current key and of every earlier key whose tokens can still be valid: one retired
   * (superseded by a newer key) less than the longest token lifetime plus `CLOCK_SKEW_SECONDS` ago.
   */
  jwks(): JSONWebKeySet;
  /** Make a new signing key; the earlier ones stay in the JWKS while tokens they signed can be valid, however often keys rotate. */
  rotate(): Promise<SigningKey>;
}

/** How far the clocks of the signer and of a verifier may disagree: a retired key stays this much longer. */
export const CLOCK_SKEW_SECONDS = 60;

export interface KeyStoreOptions {
  /** Where the keys are kept as JWK files; only in memory without it. */
  dir?: string;
  alg: SigningAlgorithm;
  /** The longest lifetime of a token signed with these keys. Default: a day (the longest the token service issues). */
  maxTokenTtlSeconds?: number;
  now?: () => number;
}

const DEFAULT_MAX_TOKEN_TTL_SECONDS = 24 * 3600;

/**
 * A signing key set kept as JWK files under `dir` (or only in memory when `dir` is undefined).
 * Survives restarts, so tokens issued before a restart stay valid. A key leaves the JWKS, and its file
 * is deleted, once every token it signed has expired: `maxTokenTtlSeconds` + `CLOCK_SKEW_SECONDS` after
 * a newer key took over, and never earlier, however many rotations come in between.
 */
export async function openKeyStore(options: KeyStoreOptions): Promise<KeyStore> {
  const { dir, alg, now = Date.now } = options;
  const retentionMs = ((options.maxTokenTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS) + CLOCK_SKEW_SECONDS) * 1000;
  const stored: StoredKey[] = [];
  /** Each key's file (under `dir`), by key id. */
  const files = new Map<string, string>();
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jwk.json'))) {
      const key = JSON.parse(readFileSync(join(dir, file), 'utf8')) as StoredKey;
      stored.push(key);
      files.set(key.kid, join(dir, file));
    }
    stored.sort((a, b) => a.createdAt - b.createdAt);
  }
  const imported = new Map<string, CryptoKey>();
  /** A key's tokens can be valid until its successor's creation plus the retention; the newest key's always. */
  const stillValid = (index: number, at: number) => index === stored.length - 1 || stored[index + 1]!.createdAt + retentionMs > at;
  const prune = () => {
    const at = now();
    const gone = stored.filter((_, i) => !stillValid(i, at));
    for (const s of gone) {
      stored.splice(stored.indexOf(s), 1);
      imported.delete(s.kid);
      const file = files.get(s.kid);
      if (file) rmSync(file, { force: true });
      files.delete(s.kid);
    }
  };
  const load = async (s: StoredKey) => {
    imported.set(s.kid, (await importJWK(s.privateJwk, s.alg)) as CryptoKey);
  };
  for (const s of stored) await load(s);

  const rotate = async (): Promise<SigningKey> => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
    const kid = randomUUID();
    const entry: StoredKey = {
      kid,
      alg,
      // Strictly increasing, so that keys made within one millisecond keep their order.
      createdAt: Math.max(now(), (stored[stored.length - 1]?.createdAt ?? 0) + 1e-3),
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    };
    if (dir) {
      const file = join(dir, `${entry.createdAt}-${kid}.jwk.json`);
      writeFileSync(file, JSON.stringify(entry), { mode: 0o600 });
      files.set(kid, file);
    }
    stored.push(entry);
    imported.set(kid, privateKey);
    prune();
    return { kid, alg, key: privateKey };
  };

  if (stored.length === 0) await rotate();
  else prune();

  return {
    current: () => {
      const newest = stored[stored.length - 1]!;
      return { kid: newest.kid, alg: newest.alg, key: imported.get(newest.kid)! };
    },
    jwks: () => {
      const at = now();
      return { keys: stored.filter((_, i) => stillValid(i, at)).map((s) => s.publicJwk) };
    },
    rotate,
  };
}
