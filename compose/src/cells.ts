// npm run cells -- status | stop <cell> | start <cell> | scale …: one cell of the running system (npm start, npm run dev).
// npm run cells -- migrate <customerId> <partition> | drain <partition> | undrain <partition>: moves of customers
// between partitions, through gateway-global's public API as an operator.
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
                  over them. A component that owns a datastore runs once: refused, with why
  migrate <customerId> <partition>
                  move one customer, with their orders, to another partition (orders-2), and follow
                  the move to its end: exit 0 when done, 1 when rolled back, cancelled or refused
  drain <partition>
                  mark a partition draining and move every customer off it; prints the progress
                  until every move is over (exit 1 if customers are left on it)
  undrain <partition>
                  make a draining partition active again; its moves not started yet are cancelled

migrate, drain and undrain go through gateway-global's public API (GATEWAY_URL, default
http://127.0.0.1:8080) as an operator (scope orders:admin): ADMIN_TOKEN if set, else a password grant
as ADMIN_USER / ADMIN_PASSWORD, by default admin@example.com / admin — the development demo operator;
a deployed system has an operator password of its own (and refuses that one).`;

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
      : command === 'migrate'
        ? !!cell && rest.length === 1 && !!rest[0]
        : (command === 'stop' || command === 'start' || command === 'drain' || command === 'undrain') && !!cell && rest.length === 0;
if (!known) {
  console.error(USAGE);
  process.exit(2);
}

// ── migrate, drain, undrain: gateway-global's public API, as an operator ─────────────────────────────

/** The placement cell's answers (cells/placement/contract/src/migrations.ts), as far as they are printed here. */
interface Migration {
  id: string;
  customerId: string;
  from: string;
  to: string;
  state: string;
  /** Why it was rolled back or cancelled, or what the step it waits on last failed with. */
  reason: string | null;
  orders: number | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}
interface Drain {
  cell: string;
  partition: string;
  state: 'running' | 'done' | 'undone';
  startedAt: string;
  finishedAt: string | null;
  migrations: Record<string, number>;
  customersLeft: number;
}
/** An RFC 9457 problem (the token endpoint answers RFC 6749 errors instead: `error`, `error_description`). */
interface Problem {
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}
/** status 0: no answer at all. */
interface Answer<T> {
  status: number;
  ok: boolean;
  body: T & Problem;
}
interface Operator {
  call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>>;
}

const MIGRATION_STATES = ['pending', 'frozen', 'copied', 'flipped', 'done', 'rolling-back', 'rolled-back', 'cancelled'];
const FINISHED_STATES = ['done', 'rolled-back', 'cancelled'];
const POLL_MS = 250;
/** While following, how long the API may go unanswered (gateway-global or the placement cell restarting) before giving up. */
const PATIENCE_MS = 15_000;
const gateway = (process.env.GATEWAY_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const signedInAs = process.env.ADMIN_TOKEN ? 'The token in ADMIN_TOKEN' : process.env.ADMIN_USER || 'admin@example.com';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** From one of the placement cell's timestamps to another (to now while it has none). */
const since = (from: string, to: string | null) => seconds((to ? Date.parse(to) : Date.now()) - Date.parse(from));

/** One request; never throws: no answer at all is status 0, with why in `detail`. */
async function send<T>(url: string, init: RequestInit): Promise<Answer<T>> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return { status: 0, ok: false, body: { detail: String(cause) } as T & Problem };
  }
  const text = await res.text();
  let body: T & Problem;
  try {
    body = JSON.parse(text);
  } catch {
    body = { title: `HTTP ${res.status} ${res.statusText}` } as T & Problem;
  }
  return { status: res.status, ok: res.ok, body };
}

/** Says why a request failed (the problem's detail, and its field errors); returns the exit code, 1. */
function refused(answer: Answer<unknown>, doing: string): number {
  if (answer.status === 0) {
    console.error(`gateway-global does not answer at ${gateway} (${answer.body.detail}). Is the system running? Else set GATEWAY_URL.`);
    return 1;
  }
  const { detail, title, errors } = answer.body;
  console.error(`✖ ${doing}: ${detail ?? title ?? `HTTP ${answer.status}`}`);
  for (const e of errors ?? []) console.error(`  ${e.path}: ${e.message}`);
  if (answer.status === 401 && process.env.ADMIN_TOKEN)
    console.error('  ADMIN_TOKEN was refused (run out, or not this system’s): set a new one, or unset it to sign in.');
  if (answer.status === 403)
    console.error(
      `  ${signedInAs} is not an operator (scope orders:admin): set ADMIN_USER and ADMIN_PASSWORD, or ADMIN_TOKEN, to an operator’s.`,
    );
  return 1;
}

/** gateway-global or the placement cell may be restarting: worth asking again. */
const passing = (answer: Answer<unknown>) => [0, 502, 503, 504].includes(answer.status);

/** The operator's token: ADMIN_TOKEN, or a password grant, asked again once when the API refuses it (it ran out). */
async function signIn(): Promise<Operator> {
  const given = process.env.ADMIN_TOKEN;
  const username = process.env.ADMIN_USER || 'admin@example.com';
  const password = process.env.ADMIN_PASSWORD || 'admin';
  const grant = async () => {
    const answer = await send<{ access_token: string; error_description?: string }>(`${gateway}/auth/token`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'password', username, password }),
    });
    if (answer.ok) return answer.body.access_token;
    if (answer.status === 0) process.exit(refused(answer, ''));
    const { detail, title, error_description } = answer.body;
    console.error(`✖ Signing in as ${username}: ${detail ?? error_description ?? title}`);
    console.error('  Set ADMIN_USER and ADMIN_PASSWORD to an operator account of this system, or ADMIN_TOKEN to an operator’s token.');
    process.exit(1);
  };
  let token = given ?? (await grant());
  return {
    async call<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
      for (let attempt = 0; ; attempt++) {
        const answer = await send<T>(`${gateway}/api${path}`, {
          method,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (answer.status !== 401 || given || attempt > 0) return answer;
        token = await grant();
      }
    },
  };
}

/**
 * Asks `read` every POLL_MS until `over` holds, handing each answer to `seen`. Returns the last one, or
 * undefined (having said why) when the API refuses or stays unanswered for PATIENCE_MS.
 */
async function follow<T>(read: () => Promise<Answer<T>>, first: T, over: (value: T) => boolean, seen: (value: T) => void, lost: string) {
  let value = first;
  let answered = Date.now();
  while (!over(value)) {
    await sleep(POLL_MS);
    const answer = await read();
    if (answer.ok) {
      value = answer.body;
      answered = Date.now();
      seen(value);
    } else if (!passing(answer) || Date.now() - answered > PATIENCE_MS) {
      refused(answer, lost);
      return undefined;
    }
  }
  return value;
}

const STEP_TEXT: Record<string, (m: Migration) => string> = {
  pending: () => 'recorded; waits for a free slot',
  frozen: (m) => `their writes on ${m.from} wait (503, Retry-After: 1); reads go on`,
  copied: (m) => `${plural(m.orders ?? 0, 'order')} copied to ${m.to}`,
  flipped: (m) => `the placement map sends them to ${m.to}`,
  done: (m) => `${m.from} has forgotten them`,
};

/** `migrate`: start the move, print each state it reaches; 0 when done, 1 when rolled back, cancelled or refused. */
async function migrate(operator: Operator, customerId: string, partition: string): Promise<number> {
  const started = await operator.call<Migration>('POST', '/cells/migrations', { customerId, partition });
  if (!started.ok) return refused(started, `Moving ${customerId} to ${partition}`);
  const first = started.body;
  console.log(`Moving ${first.customerId} from ${first.from} to ${first.to} (move ${first.id})`);
  let shown = '';
  const show = (m: Migration) => {
    // A step that fails and is retried keeps its state with a new reason: worth a line too.
    const text = m.state in STEP_TEXT ? (m.reason ? `retrying: ${m.reason}` : STEP_TEXT[m.state]!(m)) : (m.reason ?? '');
    const key = `${m.state} ${text}`;
    if (key === shown) return;
    shown = key;
    console.log(`  +${since(m.createdAt, m.updatedAt).padEnd(7)} ${m.state.padEnd(12)} ${text}`.trimEnd());
  };
  show(first);
  const path = `/cells/migrations/${encodeURIComponent(first.id)}`;
  const last = await follow(
    () => operator.call<Migration>('GET', path),
    first,
    (m) => FINISHED_STATES.includes(m.state),
    show,
    `Following move ${first.id} (it goes on without this command: GET /api${path})`,
  );
  if (!last) return 1;
  if (last.state === 'done') {
    console.log(
      `✔ ${last.customerId} is served by ${last.to} now: ${plural(last.orders ?? 0, 'order')} moved in ${since(last.createdAt, last.finishedAt)}.`,
    );
    return 0;
  }
  console.error(
    `✖ The move was ${last.state === 'cancelled' ? 'cancelled' : 'rolled back'}: ${last.reason ?? 'no reason given'}. ${last.customerId} stays on ${last.from}.`,
  );
  return 1;
}

/** `3 done · 1 frozen · 2 pending`, in the order of a move's life. */
const counts = (migrations: Record<string, number>) =>
  MIGRATION_STATES.filter((s) => migrations[s])
    .map((s) => `${migrations[s]} ${s}`)
    .join(' · ') || 'no moves';

/** `drain`: start it, print its progress until every move is over, then the totals; 1 when someone stays. */
async function drain(operator: Operator, partition: string): Promise<number> {
  const path = `/cells/placement/partitions/${encodeURIComponent(partition)}/drain`;
  const began = Date.now();
  const started = await operator.call<Drain>('POST', path);
  if (!started.ok) return refused(started, `Draining ${partition}`);
  const first = started.body;
  console.log(
    `Draining ${first.partition} of the ${first.cell} cell: it takes no new customers, and each of its customers moves to an active partition.`,
  );
  let shown = '';
  const show = (d: Drain) => {
    const text = `${counts(d.migrations)} — ${plural(d.customersLeft, 'customer')} left`;
    if (text === shown) return;
    shown = text;
    console.log(`  +${seconds(Date.now() - began).padEnd(7)} ${text}`);
  };
  show(first);
  const last = await follow(
    () => operator.call<Drain>('GET', path),
    first,
    (d) => d.state !== 'running',
    show,
    `Following the drain of ${partition} (it goes on without this command: GET /api${path})`,
  );
  if (!last) return 1;
  if (last.state === 'undone') {
    console.error(
      `✖ The drain of ${partition} was undone before its moves were over (${counts(last.migrations)}); ${partition} is active again.`,
    );
    return 1;
  }
  const { done = 0, 'rolled-back': rolledBack = 0, cancelled = 0 } = last.migrations;
  console.log(
    `Drained ${partition} in ${since(last.startedAt, last.finishedAt)}: ${plural(done, 'customer')} moved, ${plural(rolledBack, 'move')} rolled back, ${cancelled} cancelled; ${plural(last.customersLeft, 'customer')} left on it.`,
  );
  if (rolledBack === 0 && last.customersLeft === 0) return 0;
  console.error(
    `✖ Not every customer left ${partition}: see why with GET /api/cells/migrations?drain=${partition}&state=rolled-back, and drain it again to retry them.`,
  );
  return 1;
}

/** `undrain`: the partition is active again; prints what its drain had done. */
async function undrain(operator: Operator, partition: string): Promise<number> {
  const answer = await operator.call<Drain>('POST', `/cells/placement/partitions/${encodeURIComponent(partition)}/undrain`);
  if (!answer.ok) return refused(answer, `Undraining ${partition}`);
  const d = answer.body;
  // A partition that was never drained has a drain from the epoch, with no moves.
  const drained = Date.parse(d.startedAt) > 0;
  console.log(`${d.partition} is active again: it takes new customers.`);
  console.log(
    drained
      ? `Its drain (from ${new Date(d.startedAt).toLocaleTimeString('en-GB', { hour12: false })}): ${counts(d.migrations)}; ${plural(d.customersLeft, 'customer')} on ${d.partition}.`
      : `It had not been drained; ${plural(d.customersLeft, 'customer')} on it.`,
  );
  return 0;
}

if (command === 'migrate' || command === 'drain' || command === 'undrain') {
  const operator = await signIn();
  if (command === 'migrate') process.exit(await migrate(operator, cell!, rest[0]!));
  if (command === 'drain') process.exit(await drain(operator, cell!));
  process.exit(await undrain(operator, cell!));
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
