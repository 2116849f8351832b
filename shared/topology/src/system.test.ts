import { expect, it } from 'vitest';
import { MAX_PARTITIONS } from '@retail/descriptor';
import { cells, globalGateway, systemCells } from './system.ts';

it('gives every cell, its gateway, its components and gateway-global a port of their own', () => {
  const ports = [globalGateway.port, ...cells.flatMap((cell) => [cell.gateway.port, ...cell.components.map((c) => c.port)])];
  expect(new Set(ports).size).toBe(ports.length);
});

it('gives every process of the largest system a port of its own, clear of NATS (4222, 4250) and each metrics port', () => {
  const running = systemCells({ ORDERS_PARTITIONS: String(MAX_PARTITIONS) });
  const http = [globalGateway.port, ...running.flatMap((cell) => [cell.gateway.port, ...cell.components.map((c) => c.port)])];
  // Every process also listens 1000 above its HTTP port for Prometheus (compose/src/plan.ts).
  const ports = [...http, ...http.map((port) => port + 1000)];
  expect(new Set(ports).size).toBe(ports.length);
  for (const nats of [4222, 4250, 8222]) expect(ports).not.toContain(nats);
});

it('names each cell and its stream once', () => {
  expect(new Set(cells.map((c) => c.name)).size).toBe(cells.length);
  expect(new Set(cells.map((c) => c.stream)).size).toBe(cells.length);
});
/** Contracts name other cells' subjects as plain strings; here each is checked against its producer. */
it('every consumed subject is published by the cell that owns it, on that cell’s stream', () => {
  for (const cell of cells) {
    for (const component of cell.components) {
      for (const { stream, subject } of component.consumes ?? []) {
        const owner = cells.find((c) => subject.startsWith(`${c.name}.`));
        expect(owner, `${cell.name}/${component.name} consumes ${subject}, which no cell owns`).toBeDefined();
        expect(stream, `${subject} lives on ${owner!.stream}`).toBe(owner!.stream);
        const published = owner!.components.flatMap((c) => c.publishes ?? []);
        expect(published, `${cell.name}/${component.name} consumes ${subject}, which ${owner!.name} does not publish`).toContain(subject);
      }
    }
  }
});

it('every cell another cell calls exists, and no two cells claim the same public path', () => {
  const names = cells.map((c) => c.name);
  for (const cell of cells)
    for (const component of cell.components) for (const other of component.calls ?? []) expect(names).toContain(other);
  const prefixes = cells.flatMap((c) => [...new Set(c.routes.map((r) => r.path.split('/')[1]))]);
  expect(new Set(prefixes).size).toBe(prefixes.length);
});

it('every scope a cell asks for its calls is one another cell’s routes require (or, partitioned, its other partitions’)', () => {
  for (const cell of cells) {
    const elsewhere = cells.filter((c) => c !== cell || c.partitions).flatMap((c) => c.routes.flatMap((r) => r.scopes ?? []));
    for (const scope of cell.clientScopes ?? [])
      expect(elsewhere, `${cell.name} asks for ${scope}, which no other cell's route requires`).toContain(scope);
  }
});

/** The contract documents are generated from these: nothing of the system may be left out of them. */
it('every route has a contract and every published subject a payload schema', () => {
  for (const cell of cells) {
    for (const route of cell.routes)
      expect(route.contract?.responses, `${cell.name}: ${route.method} ${route.path} has a contract with its answers`).toBeDefined();
    const published = cell.components.flatMap((c) => c.publishes ?? []);
    expect(Object.keys(cell.events ?? {}).sort(), `${cell.name}: a schema for each subject it publishes, and none besides`).toEqual(
      [...new Set(published)].sort(),
    );
  }
});
