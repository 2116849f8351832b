import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// Debian's package puts nats-server in /usr/sbin, which is not on a normal user's PATH; the others are
// for a PATH trimmed by whatever launched us.
const FALLBACK_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

const INSTALL_NATS_SERVER =
  'Install it with `sudo apt-get install nats-server` (Debian/Ubuntu) or `brew install nats-server` (macOS), or set NATS_SERVER_BIN to its path; npm start and npm run dev can also use a running server: set NATS_URL.';

/**
 * The nats-server to run: NATS_SERVER_BIN, else the first on PATH or in /usr/sbin. The runner (npm start,
 * npm run dev) asks here too, so a machine without one is told the same way to get it everywhere.
 */
export function natsServerBinary(): string {
  const chosen = process.env.NATS_SERVER_BIN;
  if (chosen) {
    if (existsSync(chosen)) return chosen;
    throw new Error(`NATS_SERVER_BIN is ${chosen}, which does not exist. ${INSTALL_NATS_SERVER}`);
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...FALLBACK_DIRS];
  const found = dirs.map((dir) => join(dir, 'nats-server')).find((path) => existsSync(path));
  if (!found) throw new Error(`nats-server is not installed (not on PATH, nor in ${FALLBACK_DIRS.join(', ')}). ${INSTALL_NATS_SERVER}`);
  return found;
}
