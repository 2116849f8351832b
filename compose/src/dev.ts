// npm run dev -- <cell>: one cell (its services and gateway) with hot reload, plus NATS and the token service.
import { cellNames } from './plan.ts';
import { runSystem } from './run.ts';

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const known = cellNames();
const unknown = requested.filter((c) => !known.includes(c));
if (requested.length === 0 || unknown.length) {
  console.error(
    `Usage: npm run dev -- <cell> [<cell>…]\n  cells: ${known.join(', ')}${unknown.length ? `\n  unknown: ${unknown.join(', ')}` : ''}`,
  );
  process.exit(2);
}
await runSystem({ only: requested, watch: true });
