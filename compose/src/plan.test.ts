import { expect, it } from 'vitest';
import { systemCells } from '@retail/topology';
import { componentUrlVar, gatewayUrlVar, instanceName } from '@retail/descriptor';

const cells = systemCells({});
import { parseScale, planSystem } from './plan.ts';

const plans = planSystem({ dataDir: '/tmp/retail-plan', natsUrl: 'nats://127.0.0.1:4250' });

it('plans every component of every cell, each cell gateway, and gateway-global last, on distinct ports', () => {
  const expected = cells
    .flatMap((c) => [...c.components.map((k) => `${instanceName(c)}/${k.name}`), `${instanceName(c)}/gateway`])
    .concat('gateway-global');
  expect(plans.map((p) => p.name).sort()).toEqual(expected.sort());
  expect(plans.at(-1)!.name).toBe('gateway-global');
  expect(new Set(plans.map((p) => p.port)).size).toBe(plans.length);
});

it('wires each cell gateway to its own components and each service to its own gateway’s keys', () => {
  for (const cell of cells) {
    const gateway = plans.find((p) => p.name === `${instanceName(cell)}/gateway`)!;
    for (const component of cell.components) {
      const service = plans.find((p) => p.name === `${instanceName(cell)}/${component.name}`)!;
      expect(gateway.env[componentUrlVar(component.name)]).toBe(service.url);
      expect(service.env.CELL_GATEWAY_URL).toBe(gateway.url);
    }
  }
});

it('points gateway-global at every cell gateway and every gateway at gateway-global’s token service', () => {
  const global = plans.find((p) => p.name === 'gateway-global')!;
  for (const cell of cells)
    expect(global.env[gatewayUrlVar(instanceName(cell))]).toBe(plans.find((p) => p.name === `${instanceName(cell)}/gateway`)!.url);
  for (const gateway of plans.filter((p) => p.kind === 'cell-gateway')) {
    expect(gateway.env.TOKEN_ISSUER).toBe(global.url);
    expect(gateway.env.JWKS_URL).toBe(`${global.url}/.well-known/jwks.json`);
  }
});

it('runs one cell alone with the token service beside it', () => {
  const alone = planSystem({ dataDir: '/tmp/x', natsUrl: 'nats://x', only: ['products'] });
  expect(alone.map((p) => p.name)).toEqual(['products/catalog', 'products/browse', 'products/gateway', 'gateway-global']);
});

it('connects every service and cell gateway as its own cell’s NATS user, gateway-global as the edge user', () => {
  const secret = planSystem({ dataDir: '/tmp/x', natsUrl: 'nats://x', natsPassword: (user) => `secret-of-${user}` });
  for (const plan of secret) {
    if (plan.kind !== 'global-gateway')
      expect([plan.env.NATS_URL, plan.env.NATS_USER, plan.env.NATS_PASS], plan.name).toEqual([
        'nats://x',
        plan.cell,
        `secret-of-${plan.cell}`,
      ]);
  }
  expect(secret.find((p) => p.kind === 'global-gateway')!.env.NATS_USER).toBe('edge');
});

it('plans further instances of a component that holds no data, in every partition or in one', () => {
  const scale = parseScale('orders/checkout=2,products/gateway=3,orders-2/gateway=2', cells);
  expect([...scale]).toEqual([
    ['orders-1/checkout', 2],
    ['orders-2/checkout', 2],
    ['products/gateway', 3],
    ['orders-2/gateway', 2],
  ]);
  const scaled = planSystem({ dataDir: '/tmp/x', natsUrl: 'nats://x', scale });
  const names = scaled.map((p) => p.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'orders-1/checkout#2',
      'orders-2/checkout#2',
      'products/gateway#2',
      'products/gateway#3',
      'orders-2/gateway#2',
    ]),
  );
  const second = scaled.find((p) => p.name === 'products/gateway#2')!;
  // The same settings as the first, on a port of its own that the runner picks (0 until then).
  expect(second).toMatchObject({ instance: 2, port: 0, kind: 'cell-gateway', cell: 'products' });
  expect(second.env.NATS_USER).toBe('products');
  expect(scaled.find((p) => p.name === 'products/gateway')!.instance).toBe(1);
});

it('refuses to scale what owns a datastore or is not in the system, and says why', () => {
  expect(() => parseScale('orders/orders=2', cells)).toThrow(
    /orders\/orders runs once: it owns orders\.db \(SQLite, one writer\)\. The orders cell scales by partitions \(ORDERS_PARTITIONS\)/,
  );
  expect(() => parseScale('products/catalog=2', cells)).toThrow(
    /owns catalog\.db .*Scale the components of the products cell that hold no data \(gateway\)/,
  );
  expect(() => parseScale('gateway-global=2', cells)).toThrow(/gateway-global runs once: it owns accounts\.db/);
  expect(() => parseScale('warehouse/gateway=2', cells)).toThrow(/not <cell>\/<component> of this system/);
  expect(() => parseScale('products/gateway=9', cells)).toThrow(/1 to 8 instances/);
  expect(() => parseScale('products/gateway', cells)).toThrow(/is not <cell>\/<component>=<instances>/);
});
