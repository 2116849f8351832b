import { expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '@retail/kernel';
import { defineCell } from '@retail/descriptor';
import type { Bus } from './connection.ts';
import { startComponentConsumers } from './component-consumers.ts';

const cell = defineCell({
  name: 'shop',
  summary: 'test',
  stream: 'SHOP',
  gateway: { port: 1 },
  components: [{ name: 'reader', kind: 'composite', port: 2, summary: 'x', consumes: [{ stream: 'OTHER', subject: 'other.thing.made' }] }],
  routes: [],
});
const handler = { schema: z.object({}), apply: async () => {} };

it('refuses handlers that do not match what the descriptor declares', () => {
  const options = { bus: {} as Bus, cell, component: 'reader', logger: createLogger({ name: 't', level: 'silent' }) };
  expect(() => startComponentConsumers({ ...options, handlers: {} })).toThrow(/declares \[other.thing.made\]/);
  expect(() => startComponentConsumers({ ...options, handlers: { 'other.thing.made': handler, 'other.thing.lost': handler } })).toThrow(
    /handlers for/,
  );
});
