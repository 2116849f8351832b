export { openDatabase, type Db, type Tx, type OpenDatabaseOptions, type ComponentDatabase } from './database.ts';
export { outbox, inbox } from './tables.ts';
export { prepared, placeholders } from './prepared.ts';
export { sessionOf, type DrizzleSession } from './patches/drizzle-session.ts';
export { firstDelivery, purgeInbox, type InboxEntry, type InboxPurge } from './inbox.ts';
export { mayView, type Viewer } from './viewer.ts';
