import { ADMIN_SCOPES, CUSTOMER_SCOPES } from './scopes.ts';

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
