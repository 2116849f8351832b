import { expect, it } from 'vitest';
import { defineCell } from './descriptor.ts';
import { routePrefixes } from './derive.ts';

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
  expect(() => defineCell({ ...base, components: [{ ...base.components[0]!, publishes: ['orders.order.placed'] }] })).toThrow(/may publish only on shop/);
});
