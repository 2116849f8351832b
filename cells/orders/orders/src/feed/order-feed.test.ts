import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openOwnDatabase } from '../db/open.ts';
import { changedSince } from './order-feed.ts';

describe('the order feed', () => {
  it('reads only the history after a stream’s position, however long the partition’s history is', () => {
    const { db } = openOwnDatabase(':memory:');
    const plan = db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${changedSince('user-alice', 41, 100)}`).map((row) => row.detail);
    // A range of order_history's primary key, then each order by its id: never a walk of the whole history.
    expect(plan[0]).toMatch(/^SEARCH h USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(plan[1]).toMatch(/^SEARCH o USING INDEX/);
    expect(plan.filter((step) => step.startsWith('SCAN'))).toEqual([]);
  });
});
