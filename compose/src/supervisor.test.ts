import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, waitFor } from '@retail/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { answeringPid, crash, FIXTURE_ENTRY, fixturePlan } from '../test/fixture-plans.ts';
import { createSupervisor, type Supervisor } from './supervisor.ts';

const backoff = { initialMs: 200, maxMs: 800, stableMs: 1_500 };

describe('supervisor', () => {
  let supervisor: Supervisor | undefined;
  const logged: string[] = [];
  const supervise = () => {
    supervisor = createSupervisor({ entry: FIXTURE_ENTRY, color: false, backoff, log: (line) => logged.push(line), output: () => {} });
    return supervisor;
  };
  const stateOf = (name: string) => supervisor!.status().find((p) => p.name === name);
  const delays = () => logged.flatMap((line) => /restarting in ([\d.]+) s/.exec(line)?.[1] ?? []).map(Number);

  afterEach(async () => {
    await supervisor?.stopAll();
    supervisor = undefined;
    logged.length = 0;
  });

  it('restarts a process that crashed while the others keep serving', async () => {
    const sup = supervise();
    const checkout = await fixturePlan('orders/checkout');
    const catalog = await fixturePlan('products/catalog');
    await Promise.all([sup.start(checkout), sup.start(catalog)]);
    const [before, catalogPid] = [await answeringPid(checkout), await answeringPid(catalog)];

    await crash(checkout);
    expect(await answeringPid(catalog)).toBe(catalogPid);
    const after = await waitFor(async () => (await answeringPid(checkout)) ?? false, { what: 'checkout to answer again' });

    expect(after).not.toBe(before);
    expect(logged).toContain('✖ orders/checkout exited (code 1); restarting in 0.2 s');
    await waitFor(() => stateOf('orders/checkout')?.state === 'running', { what: 'checkout running' });
    expect(stateOf('orders/checkout')).toMatchObject({ state: 'running', pid: after, restarts: 1 });
    expect(stateOf('products/catalog')).toMatchObject({ state: 'running', pid: catalogPid, restarts: 0 });
  });

  it('backs off doubling up to the maximum while it keeps crashing, and from the start again once it stayed up', async () => {
    const dir = tempDir();
    const crashFile = join(dir.path, 'crash');
    try {
      const sup = supervise();
      const stock = await fixturePlan('inventory/stock', 'core', { CRASH_IF_FILE: crashFile });
      await sup.start(stock);
      writeFileSync(crashFile, '');
      await crash(stock);
      await waitFor(() => delays().length >= 4, { what: 'four restarts' });
      expect(stateOf('inventory/stock')?.state).not.toBe('running');
      rmSync(crashFile);
      await waitFor(() => stateOf('inventory/stock')?.state === 'running', { what: 'stock to run again' });
      expect(delays().slice(0, 4)).toEqual([0.2, 0.4, 0.8, 0.8]);
      expect(await answeringPid(stock)).toBe(stateOf('inventory/stock')?.pid);

      // Up longer than stableMs: the next crash waits the initial delay again.
      await new Promise((r) => setTimeout(r, backoff.stableMs + 100));
      const count = delays().length;
      await crash(stock);
      await waitFor(() => delays().length > count, { what: 'the next restart' });
      expect(delays().at(-1)).toBe(0.2);
    } finally {
      dir.remove();
    }
  }, 20_000);

  it('does not restart a process stopped on purpose, and starts it again when asked', async () => {
    const sup = supervise();
    const orders = await fixturePlan('orders/orders');
    await sup.start(orders);
    await sup.stop('orders/orders');
    expect(stateOf('orders/orders')).toMatchObject({ state: 'stopped', restarts: 0 });
    expect(stateOf('orders/orders')?.pid).toBeUndefined();
    await new Promise((r) => setTimeout(r, backoff.initialMs * 3));
    expect(await answeringPid(orders)).toBeUndefined();
    expect(logged.filter((l) => l.includes('restarting'))).toEqual([]);

    await sup.start(orders);
    expect(await answeringPid(orders)).toBe(stateOf('orders/orders')?.pid);
    expect(stateOf('orders/orders')?.state).toBe('running');
  });

  it('fails a start when the process exits during start-up, and leaves it stopped', async () => {
    const dir = tempDir();
    try {
      const crashFile = join(dir.path, 'crash');
      writeFileSync(crashFile, '');
      const sup = supervise();
      const broken = await fixturePlan('shipping/shipments', 'core', { CRASH_IF_FILE: crashFile });
      await expect(sup.start(broken)).rejects.toThrow('shipping/shipments exited during start-up (code 1)');
      await new Promise((r) => setTimeout(r, backoff.initialMs * 2));
      expect(stateOf('shipping/shipments')?.state).toBe('stopped');
      expect(delays()).toEqual([]);
    } finally {
      dir.remove();
    }
  });

  it('stops everything, and restarts nothing afterwards', async () => {
    const sup = supervise();
    const plans = [await fixturePlan('products/catalog'), await fixturePlan('products/gateway', 'cell-gateway')];
    for (const plan of plans) await sup.start(plan);
    await sup.stopAll();
    await new Promise((r) => setTimeout(r, backoff.initialMs * 2));
    expect(sup.status().map((p) => p.state)).toEqual(['stopped', 'stopped']);
    for (const plan of plans) expect(await answeringPid(plan)).toBeUndefined();
  });
});
