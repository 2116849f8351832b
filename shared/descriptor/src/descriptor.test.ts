import { expect, it } from 'vitest';
import { defineCell } from './descriptor.ts';
import {
  DEFAULT_STREAM_MAX_BYTES,
  devWorkloadSecret,
  inboxRetentionMs,
  MAX_EVENT_AGE_DAYS,
  publicRoutes,
  routeCallers,
  routePrefixes,
  streamLimits,
  workloadSecretVar,
} from './derive.ts';

const base = {
  name: 'shop',
  summary: 'test',
  stream: 'SHOP',
  gateway: { port: 1 },
  components: [{ name: 'core', kind: 'core' as const, port: 2, summary: 'x', publishes: ['shop.thing.made'] }],
  routes: [{ method: 'GET' as const, path: '/things/:id', component: 'core', access: 'public' as const, summary: 'x' }],
};

it('accepts a consistent descriptor and derives its route prefixes', () => {
  expect(routePrefixes(defineCell(base))).toEqual(['things']);
});

it('refuses a route to a component the cell does not have', () => {
  expect(() => defineCell({ ...base, routes: [{ ...base.routes[0]!, component: 'ghost' }] })).toThrow(/unknown component ghost/);
});

it('refuses a component publishing outside its own cell’s subjects', () => {
  expect(() => defineCell({ ...base, components: [{ ...base.components[0]!, publishes: ['orders.order.placed'] }] })).toThrow(
    /may publish only on shop/,
  );
});

it('gives every stream an age and size limit, from the descriptor or the defaults', () => {
  const day = 24 * 60 * 60_000;
  expect(streamLimits(defineCell(base))).toEqual({ maxAgeMs: MAX_EVENT_AGE_DAYS * day, maxBytes: DEFAULT_STREAM_MAX_BYTES });
  expect(streamLimits(defineCell({ ...base, retention: { maxAgeDays: 2, maxBytes: 1_000_000 } }))).toEqual({
    maxAgeMs: 2 * day,
    maxBytes: 1_000_000,
  });
  // No event outlives the inboxes that deduplicate it.
  expect(inboxRetentionMs).toBeGreaterThan(MAX_EVENT_AGE_DAYS * day);
});

it('refuses a stream that would keep events longer than the inboxes remember them, or a size that is not one', () => {
  expect(() => defineCell({ ...base, retention: { maxAgeDays: MAX_EVENT_AGE_DAYS + 1 } })).toThrow(
    /maxAgeDays must be above 0 and at most 7/,
  );
  expect(() => defineCell({ ...base, retention: { maxAgeDays: 0 } })).toThrow(/maxAgeDays/);
  expect(() => defineCell({ ...base, retention: { maxBytes: -1 } })).toThrow(/maxBytes must be a positive whole number/);
});

it('keeps routes for other cells out of what gateway-global serves, and refuses one anybody could call', () => {
  const prices = {
    method: 'GET' as const,
    path: '/prices',
    component: 'core',
    access: 'token' as const,
    scopes: ['prices:read'],
    summary: 'x',
  };
  const cell = defineCell({ ...base, routes: [...base.routes, { ...prices, callers: 'cell' as const }] });
  expect(routePrefixes(cell)).toEqual(['things']);
  expect(publicRoutes(cell).map((r) => r.path)).toEqual(['/things/:id']);
  expect(routeCallers(cell.routes[0]!)).toBe('user');
  expect(routeCallers(cell.routes[1]!)).toBe('cell');
  expect(() => defineCell({ ...base, routes: [{ ...base.routes[0]!, callers: 'cell' as const }] })).toThrow(
    /is for cells, so it needs access 'token'/,
  );
});

it('names each component’s workload credential and its development default', () => {
  expect(workloadSecretVar('checkout')).toBe('WORKLOAD_SECRET_CHECKOUT');
  expect(workloadSecretVar('cell-health')).toBe('WORKLOAD_SECRET_CELL_HEALTH');
  expect(devWorkloadSecret('orders', 'checkout')).toBe('orders-checkout-workload-dev');
});
