import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { PasswordHash } from '../oauth/passwords.ts';
import type { AccountsDb } from './open.ts';
import { customers } from './schema.ts';

/** A registered customer, as the sign-up answer shows them. */
export interface Customer {
  id: string;
  email: string;
  name: string;
}

export interface CustomerStore {
  /** The customer with this (normalised) e-mail and their stored password hash. */
  byEmail(email: string): (Customer & { password: PasswordHash }) | undefined;
  /** Adds a customer with a new id; undefined when the e-mail is taken (by a concurrent sign-up, too). */
  add(customer: { email: string; name: string; password: PasswordHash }): Customer | undefined;
}

/** Registered customers in the token service's own database; e-mails arrive trimmed and lower-cased. */
export function createCustomerStore(db: AccountsDb, now: () => Date = () => new Date()): CustomerStore {
  return {
    byEmail(email) {
      const row = db.select().from(customers).where(eq(customers.email, email)).get();
      if (!row) return undefined;
      return { id: row.id, email: row.email, name: row.name, password: { salt: row.passwordSalt, hash: row.passwordHash } };
    },
    add({ email, name, password }) {
      const id = `user-${randomUUID()}`;
      const inserted = db
        .insert(customers)
        .values({ id, email, name, passwordSalt: password.salt, passwordHash: password.hash, createdAt: now().toISOString() })
        .onConflictDoNothing({ target: customers.email })
        .run();
      return inserted.changes === 1 ? { id, email, name } : undefined;
    },
  };
}
