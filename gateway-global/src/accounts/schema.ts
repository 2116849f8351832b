import { sqliteTable, text, blob } from 'drizzle-orm/sqlite-core';

/** Customers who signed up (the seeded accounts are not here: they come from the settings). */
export const customers = sqliteTable('customers', {
  /** `user-<uuid>`: the `sub` of their tokens, and so the owner of their orders. */
  id: text('id').primaryKey(),
  /** Trimmed and lower-cased, so `Ann@Example.com ` and `ann@example.com` are one account. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordSalt: blob('password_salt', { mode: 'buffer' }).notNull(),
  passwordHash: blob('password_hash', { mode: 'buffer' }).notNull(),
  createdAt: text('created_at').notNull(),
});
