import { fileURLToPath } from 'node:url';
import { openDatabase } from '@retail/data';
import * as schema from './schema.ts';

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** The token service's own SQLite file of registered customers (or ':memory:'), migrated to the committed schema. */
export const openAccountsDatabase = (file: string) => openDatabase({ file, schema, migrationsFolder });

export type AccountsDb = ReturnType<typeof openAccountsDatabase>['db'];
