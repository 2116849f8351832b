// npm run cells -- status | stop <cell> | start <cell>: one cell of the running system (npm start, npm run dev).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlFilePath, readControlFile } from './control-file.ts';
import type { GroupStatus, SystemStatus } from './control-server.ts';
import type { ProcessStatus } from './supervisor.ts';

const USAGE = `Usage: npm run cells -- <command>
  status          every cell of the running system, its processes and their state
  stop <cell>     stop every process of the cell or partition (orders-2), or of every partition of a
                  partitioned cell (orders); it stays stopped: no restart
  start <cell>    start them again, its services first, then its gateway
  scale <cell>/<component> <n>
                  run n instances of a component that holds no data (orders/checkout: in every
                  partition; orders-2/checkout: in one); each registers itself and callers balance
                  over them. A component that owns a datastore runs once: refused, with why`;

const [command, cell, ...rest] = process.argv.slice(2);
const instances = command === 'scale' ? Number(rest[0]) : undefined;
if (command === 'help' || command === '--help' || command === '-h') {
  console.log(USAGE);
  process.exit(0);
}
const known =
  command === 'status'
    ? !cell
    : command === 'scale'
      ? !!cell && rest.length === 1 && Number.isInteger(instances)
      : (command === 'stop' || command === 'start') && !!cell && rest.length === 0;
if (!known) {
  console.error(USAGE);
  process.exit(2);
}

// The runner's data directory, resolved as run.ts does (plan.ts's repoRoot would load every descriptor).
const dataDir = resolve(fileURLToPath(new URL('../..', import.meta.url)), process.env.DATA_DIR ?? '.data');
const file = controlFilePath(dataDir);
const notRunning = (why: string): never => {
  console.error(`Cellular Retail is not running (${why}). Start it with npm start or npm run dev, with the same DATA_DIR.`);
  process.exit(1);
};
const address = readControlFile(file) ?? notRunning(`no ${file}`);
const path =
  command === 'status'
    ? '/cells'
    : command === 'scale'
      ? `/scale/${cell!.split('/').map(encodeURIComponent).join('/')}?instances=${instances}`
      : `/cells/${encodeURIComponent(cell!)}/${command}`;
const res = await fetch(`http://127.0.0.1:${address.port}${path}`, {
  method: command === 'status' ? 'GET' : 'POST',
  headers: { authorization: `Bearer ${address.token}` },
}).catch(() => notRunning(`${file} is left from a runner that has gone`));
if (res.status === 401) notRunning(`${file} is left from an earlier runner`);
const body = (await res.json()) as any;

// The registry's entry of each process, by its pid: what callers find (its instance id and address).
let registered = new Map<number, SystemStatus['registry'][number]>();
const row = (p: ProcessStatus) => {
  const entry = p.pid === undefined ? undefined : registered.get(p.pid);
  const found = p.state !== 'running' ? '' : entry ? `registered ${entry.instance} ${entry.url}` : 'not registered';
  return `  ${p.name.padEnd(24)} ${p.state.padEnd(10)} ${(p.pid ? `pid ${p.pid}` : '').padEnd(11)} ${(p.restarts ? `restarts ${p.restarts}` : '').padEnd(11)} ${found}`.trimEnd();
};
const group = (g: GroupStatus) => [`${g.name.padEnd(26)} ${g.state}`, ...g.processes.map(row)].join('\n');

if (res.status === 409) {
  console.error(`✖ ${body.detail}`);
  process.exit(1);
}
if (res.status === 404) {
  console.error(`${body.detail}. Cells: ${(body.cells as string[]).join(', ')}`);
  process.exit(2);
}
if (!res.ok) {
  console.error(`✖ ${body.detail ?? body.title}`);
  if (body.cell) console.error(group(body.cell));
  process.exit(1);
}
if (command === 'status' || command === 'scale') {
  const status = body as SystemStatus;
  registered = new Map(status.registry.map((e) => [e.pid, e]));
  console.log(status.cells.map(group).join('\n'));
  if (status.others.length) console.log(`not a cell (stops only with the system)\n${status.others.map(row).join('\n')}`);
} else {
  // One cell, or every partition of a partitioned one.
  console.log((body.cells ? (body.cells as GroupStatus[]) : [body as GroupStatus]).map(group).join('\n'));
}
