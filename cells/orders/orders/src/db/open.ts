import { fileURLToPath } from 'node:url';
import { openDatabase } from '@retail/data';
import * as schema from './schema.ts';

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** This component's own SQLite file (or ':memory:'), migrated to the committed schema; `owner`: the partition it belongs to. */
export const openOwnDatabase = (file: string, owner?: string) => openDatabase({ file, schema, migrationsFolder, owner });
