import { afterEach, beforeEach, expect, it } from 'vitest';
import { outbox } from '@retail/data';
import { createCatalog } from './catalog.ts';
import { demoCatalog, seedDemoCatalog } from './seed.ts';
import { catalogTestApp } from '../test/test-app.ts';

let t: Awaited<ReturnType<typeof catalogTestApp>>;
beforeEach(async () => {
  t = await catalogTestApp();
});
afterEach(() => t.close());

it('seeds at least 20 products across several categories, each announced by an event', () => {
  const catalog = createCatalog(t.db);
  expect(seedDemoCatalog(t.db, catalog)).toBe(demoCatalog.length);
  expect(demoCatalog.length).toBeGreaterThanOrEqual(20);
  expect(new Set(demoCatalog.map((p) => p.category)).size).toBeGreaterThanOrEqual(5);
  expect(t.db.select().from(outbox).all()).toHaveLength(demoCatalog.length);
});

it('seeds only once: a product deleted later stays deleted after a restart', () => {
  const catalog = createCatalog(t.db);
  seedDemoCatalog(t.db, catalog);
  catalog.remove(demoCatalog[0]!.sku);
  expect(seedDemoCatalog(t.db, catalog)).toBe(0);
  expect(() => catalog.get(demoCatalog[0]!.sku)).toThrow(/No product/);
});
