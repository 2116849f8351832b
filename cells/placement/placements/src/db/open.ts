import { fileURLToPath } from 'node:url';
import { openDatabase } from '@retail/data';
import * as schema from './schema.ts';

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** This component's own SQLite file (or ':memory:'), migrated to the committed schema. */
export const openOwnDatabase = (file: string) => openDatabase({ file, schema, migrationsFolder });
