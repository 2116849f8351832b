// npm run dev -- <cell>: one cell (its services and gateway; every partition of a partitioned cell, or one
// partition by its name) with hot reload, plus NATS and the token service.
import { instanceName } from '@retail/descriptor';
import { systemCells } from '@retail/topology';
import { cellNames } from './plan.ts';
import { runSystem } from './run.ts';

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const known = [...new Set([...cellNames(), ...systemCells(process.env).map(instanceName)])];
const unknown = requested.filter((c) => !known.includes(c));
if (requested.length === 0 || unknown.length) {
  console.error(
    `Usage: npm run dev -- <cell> [<cell>…]\n  cells: ${known.join(', ')}${unknown.length ? `\n  unknown: ${unknown.join(', ')}` : ''}`,
  );
  process.exit(2);
}
await runSystem({ only: requested, watch: true });
