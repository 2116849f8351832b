import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  /** Public keys of the current and the previous key, so tokens signed before a rotation still verify. */
  jwks(): JSONWebKeySet;
  /** Make a new signing key; the old one stays in the JWKS until the next rotation. */
  rotate(): Promise<SigningKey>;
}

/**
 * A signing key set kept as JWK files under `dir` (or only in memory when `dir` is undefined).
 * Survives restarts, so tokens issued before a restart stay valid.
 */
export async function openKeyStore(options: { dir?: string; alg: SigningAlgorithm }): Promise<KeyStore> {
  const { dir, alg } = options;
  const stored: StoredKey[] = [];
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jwk.json'))) {
      stored.push(JSON.parse(readFileSync(join(dir, file), 'utf8')) as StoredKey);
    }
    stored.sort((a, b) => a.createdAt - b.createdAt);
  }
  const imported = new Map<string, CryptoKey>();
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
      createdAt: Date.now() + stored.length * 1e-3,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    };
    if (dir) writeFileSync(join(dir, `${entry.createdAt}-${kid}.jwk.json`), JSON.stringify(entry), { mode: 0o600 });
    stored.push(entry);
    imported.set(kid, privateKey);
    return { kid, alg, key: privateKey };
  };

  if (stored.length === 0) await rotate();

  return {
    current: () => {
      const newest = stored[stored.length - 1]!;
      return { kid: newest.kid, alg: newest.alg, key: imported.get(newest.kid)! };
    },
    jwks: () => ({ keys: stored.slice(-2).map((s) => s.publicJwk) }),
    rotate,
  };
}
