import { ConflictError } from '@retail/kernel';
import type { Customer, CustomerStore } from '../accounts/customer-store.ts';
import type { Account } from './account.ts';
import { DEFAULT_DEMO_PASSWORDS, DEMO_USERS, type DemoPasswords } from './demo-users.ts';
import { hashPassword, verifyPassword, type PasswordHash } from './passwords.ts';
import { CUSTOMER_SCOPES } from './scopes.ts';

export interface SignUp {
  email: string;
  name: string;
  password: string;
}

export interface UserDirectory {
  /** The account for this e-mail and password, or undefined for a wrong password or an unknown user. */
  authenticate(username: string, password: string): Promise<Account | undefined>;
  /** A new customer with the customer scopes; 409 when the e-mail belongs to an account already, seeded or registered. */
  register(signUp: SignUp): Promise<Customer>;
}

const normalise = (email: string) => email.trim().toLowerCase();

const taken = () => new ConflictError('An account with this e-mail address exists already.', 'email-taken');

/** Held back even when the demo customers are off, so that turning them on later shadows no one. */
const SEEDED_EMAILS = new Set<string>(DEMO_USERS.map((u) => u.email));

/**
 * The seeded accounts (the operator; the demo customers when on), hashed once at start so that only
 * hashes stay in memory, and the customers who registered, kept in `customers`.
 */
export async function createUserDirectory(
  customers: CustomerStore,
  passwords: DemoPasswords = DEFAULT_DEMO_PASSWORDS,
): Promise<UserDirectory> {
  const seeded = new Map<string, { account: Account; password: PasswordHash }>();
  for (const user of DEMO_USERS) {
    const password = passwords[user.login];
    if (password === undefined) continue;
    seeded.set(user.email, {
      account: { identity: { sub: user.sub, email: user.email }, allowedScopes: user.scopes },
      password: await hashPassword(password),
    });
  }
  // Unknown users still cost one scrypt, so timing does not reveal which e-mails exist.
  const decoy = await hashPassword('decoy-password');

  const find = (email: string): { account: Account; password: PasswordHash } | undefined => {
    const user = seeded.get(email);
    if (user) return user;
    const customer = customers.byEmail(email);
    if (!customer) return undefined;
    return {
      account: { identity: { sub: customer.id, email: customer.email }, allowedScopes: CUSTOMER_SCOPES },
      password: customer.password,
    };
  };

  return {
    async authenticate(username, password) {
      const user = find(normalise(username));
      const matches = await verifyPassword(password, user?.password ?? decoy);
      return user && matches ? user.account : undefined;
    },
    async register(signUp) {
      const email = normalise(signUp.email);
      if (SEEDED_EMAILS.has(email) || customers.byEmail(email)) throw taken();
      const customer = customers.add({ email, name: signUp.name, password: await hashPassword(signUp.password) });
      if (!customer) throw taken();
      return customer;
    },
  };
}
