import type { Db } from './database.ts';
import { outbox } from './tables.ts';

type Readable = Pick<Db<any>, 'select'>;

/** The CloudEvents a database has written to its outbox so far, in the order written: what its relay will announce. */
export const outboxEvents = (db: Readable) =>
  db
    .select()
    .from(outbox)
    .orderBy(outbox.seq)
    .all()
    .map((row) => JSON.parse(row.payload));

/** The subjects of the events a database has written to its outbox so far, in the order written. */
export const outboxSubjects = (db: Readable) =>
  db
    .select()
    .from(outbox)
    .orderBy(outbox.seq)
    .all()
    .map((r) => r.subject);
