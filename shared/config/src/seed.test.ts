import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectBus, kvPut, kvSnapshot, type Bus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { startTestNats, tempDir, type TempDir, type TestNats } from '@retail/testing';
import { CONFIG_BUCKET, decodeSetting, encodeSetting } from './entry.ts';
import { loadConfigFile } from './file.ts';
import { seedConfig } from './seed.ts';

const logger = createLogger({ name: 'config-seed-test', level: 'silent' });
let nats: TestNats;
let bus: Bus;
let dir: TempDir;

beforeAll(async () => {
  nats = await startTestNats();
  bus = await connectBus({ url: nats.url, name: 'config-seed-test', logger });
  dir = tempDir('retail-config-');
}, 30_000);
afterAll(async () => {
  await bus.close();
  await nats.dispose();
  dir.remove();
});

const file = (name: string, text: string) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};

const stored = async () => new Map([...(await kvSnapshot(bus, CONFIG_BUCKET))].map(([key, entry]) => [key, decodeSetting(entry.value)]));

it('checks the committed files', () => {
  for (const name of ['development.yaml', 'compose.yaml']) {
    const loaded = loadConfigFile(new URL(`../../../config/${name}`, import.meta.url).pathname, `config/${name}`);
    expect(loaded.settings).toContainEqual({ scope: 'system', setting: 'LOG_LEVEL', value: 'info' });
    expect(loaded.settings).toContainEqual({ scope: 'shipping/shipments', setting: 'AUTO_DISPATCH_AFTER_MS', value: 0 });
  }
});

it('refuses a file with an unknown scope, setting or value, naming the file, scope and setting', () => {
  expect(() => loadConfigFile(file('a.yaml', 'order/checkout:\n  LOG_LEVEL: info\n'), 'a.yaml')).toThrow(
    /^a\.yaml: order\/checkout: LOG_LEVEL: .*not a cell/,
  );
  expect(() => loadConfigFile(file('b.yaml', 'system:\n  LOG_LEVL: info\n'), 'b.yaml')).toThrow(
    /^b\.yaml: system: LOG_LEVL: LOG_LEVL is not a setting/,
  );
  expect(() => loadConfigFile(file('c.yaml', 'inventory/allocation:\n  BREAKER_FAILURES: 0\n'), 'c.yaml')).toThrow(
    /^c\.yaml: inventory\/allocation: BREAKER_FAILURES: 0 is not a valid/,
  );
  expect(() => loadConfigFile(file('d.yaml', 'system:\n  ADMIN_PASSWORD: x\n'), 'd.yaml')).toThrow(/looks like a secret/);
  expect(() => loadConfigFile(file('e.yaml', '- system\n'), 'e.yaml')).toThrow(/^e\.yaml: expected a map of scopes/);
});

it('seeds a file, keeps an operator value over a re-seed, and removes what the file dropped', async () => {
  const first = file('first.yaml', 'system:\n  LOG_LEVEL: info\ninventory/allocation:\n  BREAKER_FAILURES: 3\n  BREAKER_RESET_MS: 5000\n');
  const seeded = await seedConfig({ bus, file: first, source: 'config/test.yaml' });
  expect(seeded).toMatchObject({
    written: ['system.LOG_LEVEL', 'inventory.allocation.BREAKER_FAILURES', 'inventory.allocation.BREAKER_RESET_MS'],
    kept: [],
    removed: [],
  });
  expect((await stored()).get('inventory.allocation.BREAKER_FAILURES')).toMatchObject({ value: 3, source: 'config/test.yaml' });

  // An operator changes a value live, and sets one the file does not have.
  await kvPut(bus, CONFIG_BUCKET, 'inventory.allocation.BREAKER_FAILURES', encodeSetting(7, 'operator'));
  await kvPut(bus, CONFIG_BUCKET, 'products.gateway.RATE_LIMIT_BURST', encodeSetting(50, 'operator'));

  // The file changes: a new LOG_LEVEL, BREAKER_RESET_MS dropped.
  const second = file('second.yaml', 'system:\n  LOG_LEVEL: warn\ninventory/allocation:\n  BREAKER_FAILURES: 4\n');
  const reseeded = await seedConfig({ bus, file: second, source: 'config/test.yaml' });
  expect(reseeded).toMatchObject({
    written: ['system.LOG_LEVEL'],
    kept: ['inventory.allocation.BREAKER_FAILURES'],
    removed: ['inventory.allocation.BREAKER_RESET_MS'],
  });
  const after = await stored();
  expect(after.get('system.LOG_LEVEL')).toMatchObject({ value: 'warn', source: 'config/test.yaml' });
  expect(after.get('inventory.allocation.BREAKER_FAILURES')).toMatchObject({ value: 7, source: 'operator' });
  expect(after.get('products.gateway.RATE_LIMIT_BURST')).toMatchObject({ value: 50, source: 'operator' });
  expect(after.has('inventory.allocation.BREAKER_RESET_MS')).toBe(false);

  // Seeding the same file again writes nothing.
  expect(await seedConfig({ bus, file: second, source: 'config/test.yaml' })).toMatchObject({
    written: [],
    unchanged: ['system.LOG_LEVEL'],
  });
});
