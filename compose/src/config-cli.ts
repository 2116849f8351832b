// npm run config -- set|unset|get|load …: change the non-secret settings of a running system live, in the
// NATS `config` bucket (shared/config/README.md). Every value is checked (scope, setting, value) before
// anything is written; a refusal exits 1 and writes nothing. Finds NATS as `npm run event` does.
import {
  checkSetting,
  CONFIG_BUCKET,
  configBucket,
  configKey,
  decodeSetting,
  effectiveConfig,
  encodeSetting,
  loadConfigFile,
  OPERATOR_SOURCE,
  parseConfigKey,
  parseScope,
  seedConfig,
  settingNamed,
  settings,
  type Scope,
} from '@retail/config';
import { connectBus, ensureBucket, kvDelete, kvPut, kvSnapshot, type Bus, type KvEntry } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { natsPasswordOf, SYSTEM_NATS_USER } from './nats-auth.ts';

const USAGE = `Usage: npm run config -- <command>
  set <scope> <SETTING> <value>   set a value live (as an operator: it survives restarts until unset)
  unset <scope> <SETTING>         remove it: the next wider scope, the environment or the default applies
  get <scope>                     the values set at a scope; for a component or instance, its effective configuration
  load <file>                     load a config file, as the system does when it starts (config/development.yaml)
Scopes: system, <cell>, <cell>-<n>, <cell>/<component>, <cell>-<n>/<component>, <cell>-<n>/<component>/<instance>,
        gateway-global, gateway-global/<instance>; e.g. npm run config -- set inventory/allocation BREAKER_FAILURES 5
Settings: ${settings.map((s) => s.name).join(', ')}`;

const fail = (message: string): never => {
  console.error(`✖ ${message}`);
  process.exit(1);
};

/** What a command needs from NATS, checked before connecting. */
type Plan = (bus: Bus, url: string) => Promise<void>;

function plan(args: string[]): Plan {
  const [command, ...rest] = args;
  const arity: Record<string, number> = { set: 3, unset: 2, get: 1, load: 1 };
  if (!command || arity[command] === undefined || rest.length !== arity[command]) {
    console.error(USAGE);
    process.exit(2);
  }
  try {
    if (command === 'set') {
      const { scope, setting, value } = checkSetting(rest[0]!, rest[1]!, rest[2]!);
      return (bus, url) => set(bus, url, scope, setting, value);
    }
    if (command === 'unset') {
      const scope = parseScope(rest[0]!).text;
      const setting = settingNamed(rest[1]!).name;
      return (bus, url) => unset(bus, url, scope, setting);
    }
    if (command === 'get') {
      const scope = parseScope(rest[0]!);
      return (bus) => get(bus, scope);
    }
    const file = loadConfigFile(rest[0]!); // checked whole now; seedConfig reads it again
    return async (bus, url) => {
      const s = await seedConfig({ bus, file: rest[0]!, source: file.source });
      console.log(`loaded ${s.source} into the ${CONFIG_BUCKET} bucket on ${url}:`);
      console.log(
        `  written ${s.written.length}, unchanged ${s.unchanged.length}, kept ${s.kept.length} (operator values), removed ${s.removed.length}`,
      );
      for (const key of s.written) console.log(`  + ${key}`);
      for (const key of s.kept) console.log(`  = ${key} (operator's value kept; unset it to take the file's)`);
      for (const key of s.removed) console.log(`  - ${key}`);
    };
  } catch (error) {
    return fail(`refused, nothing written: ${(error as Error).message}`);
  }
}

const shown = (entry: KvEntry | undefined) => {
  const stored = decodeSetting(entry?.value ?? '');
  return stored ? `${stored.value} (${stored.source})` : entry ? JSON.stringify(entry.value) : undefined;
};

/** The bucket's entries (under `prefix`), with a plain word when it does not exist yet. */
async function snapshot(bus: Bus, prefix = '') {
  try {
    return await kvSnapshot(bus, CONFIG_BUCKET, prefix);
  } catch (error) {
    if (/not found/i.test((error as Error).message))
      throw new Error(`there is no ${CONFIG_BUCKET} bucket yet: the system creates it when it starts (or npm run config -- load <file>)`);
    throw error;
  }
}

/** `orders.checkout.BREAKER_FAILURES` → `orders.checkout.`: a subject filter ends in a whole token. */
const scopePrefix = (key: string) => key.slice(0, key.lastIndexOf('.') + 1);

async function set(bus: Bus, url: string, scope: string, setting: string, value: string | number) {
  await ensureBucket(bus.jsm, configBucket);
  const key = configKey(scope, setting);
  const before = (await snapshot(bus, scopePrefix(key))).get(key);
  await kvPut(bus, CONFIG_BUCKET, key, encodeSetting(value, OPERATOR_SOURCE));
  console.log(`set ${key} = ${value} (${OPERATOR_SOURCE}) on ${url}${before ? `; was ${shown(before)}` : ''}`);
}

async function unset(bus: Bus, url: string, scope: string, setting: string) {
  const key = configKey(scope, setting);
  const before = (await snapshot(bus, scopePrefix(key))).get(key);
  if (!before) return console.log(`${key} is not set on ${url}: nothing to remove`);
  await kvDelete(bus, CONFIG_BUCKET, key);
  console.log(`removed ${key} (was ${shown(before)}) on ${url}; a config file sets it again at the next start or load`);
}

async function get(bus: Bus, scope: Scope) {
  const entries = await snapshot(bus);
  const order = settings.map((s) => s.name);
  const here = [...entries.values()]
    .filter((e) => parseConfigKey(e.key)?.scope === scope.text)
    .sort((a, b) => order.indexOf(parseConfigKey(a.key)!.setting) - order.indexOf(parseConfigKey(b.key)!.setting));
  console.log(here.length ? `set at ${scope.text}:` : `nothing set at ${scope.text}`);
  for (const entry of here) console.log(`  ${parseConfigKey(entry.key)!.setting} = ${shown(entry)}`);
  if (scope.level !== 'component' && scope.level !== 'instance') return;
  const target = { cell: scope.partition ?? scope.cell!, component: scope.component, instance: scope.instance };
  console.log(`effective configuration of ${scope.text}:`);
  for (const [name, { value, source }] of Object.entries(effectiveConfig(entries, target)))
    console.log(`  ${name} = ${value === undefined ? '(its environment or default)' : value}  ← ${source}`);
}

const run = plan(process.argv.slice(2));
const url = process.env.NATS_URL ?? `nats://127.0.0.1:${process.env.NATS_PORT ?? 4250}`;
// As the system user (NATS_PASSWORD_SYSTEM), like `npm run event`: cells may only read the bucket.
const user = process.env.NATS_USER || SYSTEM_NATS_USER;
const pass = process.env.NATS_PASS || natsPasswordOf(user);
const logger = createLogger({ name: 'config', level: 'silent' });
const timer = setTimeout(() => fail(`no NATS at ${url} (is the system running? NATS_URL or NATS_PORT say where)`), 5_000);
const bus = await connectBus({ url, name: 'config-cli', user, pass, logger });
clearTimeout(timer);
try {
  await run(bus, url);
} catch (error) {
  console.error(`✖ ${(error as Error).message} (NATS user ${user} on ${url})`);
  process.exitCode = 1;
} finally {
  await bus.close();
}
