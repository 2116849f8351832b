import { createHash, timingSafeEqual } from 'node:crypto';
import type { Account } from './account.ts';

export interface ClientDirectory {
  /** The machine client with this id and secret, or undefined. */
  authenticate(clientId: string, secret: string): Account | undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `client:products` — the subject of a cell's client-credentials tokens. */
export const clientSubject = (clientId: string) => `client:${clientId}`;

/**
 * One OAuth2 client per cell (client id = cell name), for cross-cell calls. Secrets are compared as
 * SHA-256 digests in constant time; they are high-entropy in production, so no slow hash is needed.
 */
export function createMachineClients(
  secrets: Readonly<Record<string, string>>,
  /** Per client: the scopes its cell declares it needs for calls to other cells (`clientScopes`). */
  scopes: Readonly<Record<string, readonly string[]>> = {},
): ClientDirectory {
  const clients = new Map(
    Object.entries(secrets).map(([clientId, secret]) => [
      clientId,
      {
        secret: digest(secret),
        account: { identity: { sub: clientSubject(clientId), clientId }, allowedScopes: [...(scopes[clientId] ?? [])] } satisfies Account,
      },
    ]),
  );
  return {
    authenticate(clientId, secret) {
      const client = clients.get(clientId);
      const matches = timingSafeEqual(digest(secret), client?.secret ?? digest(''));
      return client && matches ? client.account : undefined;
    },
  };
}
