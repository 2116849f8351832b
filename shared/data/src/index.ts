export { openDatabase, type Db, type Tx, type OpenDatabaseOptions, type Database_ as Database } from './database.ts';
export { outbox, inbox } from './tables.ts';
export { prepared, placeholders } from './prepared.ts';
export { firstDelivery, type InboxEntry } from './inbox.ts';
