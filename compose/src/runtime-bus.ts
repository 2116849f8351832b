import { isAbsolute, resolve } from 'node:path';
import { seedConfig } from '@retail/config';
import { connectBus, type Bus } from '@retail/events';
import { createLogger } from '@retail/kernel';
import { openDirectory, type Directory } from '@retail/registry';
import { SYSTEM_NATS_USER } from './nats-auth.ts';
import { repoRoot } from './plan.ts';

/** The environment file `npm start`, `npm run dev` and the system tests load into the config bucket. */
export const DEVELOPMENT_CONFIG = 'config/development.yaml';

/** The runner's own connection, as the system user: it seeds the configuration and watches the registry. */
export interface RuntimeBus {
  bus: Bus;
  directory: Directory;
  close(): Promise<void>;
}

/**
 * Load the environment's configuration file into the `config` bucket (values an operator set live are
 * kept: seedConfig) and open a view of the registry. `configFile`: relative to the repository, or absolute.
 */
export async function openRuntimeBus(options: { url: string; pass: string; configFile?: string; quiet?: boolean }): Promise<RuntimeBus> {
  const logger = createLogger({ name: 'runner', level: 'warn' });
  const bus = await connectBus({ url: options.url, name: 'runner', user: SYSTEM_NATS_USER, pass: options.pass, logger });
  const file = options.configFile ?? DEVELOPMENT_CONFIG;
  const summary = await seedConfig({ bus, file: isAbsolute(file) ? file : resolve(repoRoot, file) });
  if (!options.quiet)
    console.log(
      `Configuration from ${file}: ${summary.written.length + summary.unchanged.length} setting(s)${summary.kept.length ? `, ${summary.kept.length} kept as an operator set them` : ''}${summary.removed.length ? `, ${summary.removed.length} removed` : ''} (npm run config -- get <scope>).`,
    );
  const directory = openDirectory({ bus, logger });
  return {
    bus,
    directory,
    async close() {
      directory.close();
      await bus.close();
    },
  };
}
