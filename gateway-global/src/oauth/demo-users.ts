import { ADMIN_SCOPES, CUSTOMER_SCOPES } from './scopes.ts';
import { hashPassword, verifyPassword, type PasswordHash } from './passwords.ts';
import type { Account } from './account.ts';

/** The operator's password, and the demo customers' when demo users are on (an account without one does not exist). */
export interface DemoPasswords {
  admin: string;
  alice?: string;
  bob?: string;
}

export const DEFAULT_DEMO_PASSWORDS: DemoPasswords = { alice: 'alice', bob: 'bob', admin: 'admin' };

/** The seeded accounts; ids are stable so orders stay theirs across restarts. */
export const DEMO_USERS = [
  { login: 'alice', sub: 'user-alice', email: 'alice@example.com', scopes: CUSTOMER_SCOPES },
  { login: 'bob', sub: 'user-bob', email: 'bob@example.com', scopes: CUSTOMER_SCOPES },
  { login: 'admin', sub: 'user-admin', email: 'admin@example.com', scopes: ADMIN_SCOPES },
] as const satisfies readonly { login: keyof DemoPasswords; sub: string; email: string; scopes: readonly string[] }[];

export interface UserDirectory {
  /** The account for this e-mail and password, or undefined for a wrong password or an unknown user. */
  authenticate(username: string, password: string): Promise<Account | undefined>;
}

/** Hashes the demo passwords once (scrypt) so that only hashes stay in memory. */
export async function createDemoUsers(passwords: DemoPasswords = DEFAULT_DEMO_PASSWORDS): Promise<UserDirectory> {
  const byEmail = new Map<string, { account: Account; password: PasswordHash }>();
  for (const user of DEMO_USERS) {
    const password = passwords[user.login];
    if (password === undefined) continue;
    byEmail.set(user.email, {
      account: { identity: { sub: user.sub, email: user.email }, allowedScopes: user.scopes },
      password: await hashPassword(password),
    });
  }
  // Unknown users still cost one scrypt, so timing does not reveal which e-mails exist.
  const decoy = await hashPassword('decoy-password');

  return {
    async authenticate(username, password) {
      const user = byEmail.get(username.trim().toLowerCase());
      const matches = await verifyPassword(password, user?.password ?? decoy);
      return user && matches ? user.account : undefined;
    },
  };
}
