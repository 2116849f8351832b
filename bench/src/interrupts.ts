/**
 * What the bench started (the system, nginx, npm start) must not outlive it when it is stopped with
 * Ctrl-C or SIGTERM: each part registers how to stop what it started, newest stopped first.
 */
const cleanups: (() => Promise<void> | void)[] = [];
let installed = false;
let stopping = false;

async function stopEverything(signal: NodeJS.Signals) {
  stopping = true;
  process.stderr.write(`\n[bench] ${signal}: stopping what the bench started\n`);
  // Taken out first: a cleanup may unregister itself while this runs.
  for (const cleanup of cleanups.splice(0).reverse())
    await Promise.resolve()
      .then(cleanup)
      .catch(() => {});
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/** Run `cleanup` if the bench is interrupted; the returned function unregisters it. */
export function onInterrupt(cleanup: () => Promise<void> | void): () => void {
  if (!installed) {
    installed = true;
    process.once('SIGINT', () => void stopEverything('SIGINT'));
    process.once('SIGTERM', () => void stopEverything('SIGTERM'));
  }
  cleanups.push(cleanup);
  return () => {
    const at = cleanups.indexOf(cleanup);
    if (at !== -1) cleanups.splice(at, 1);
  };
}

/** The bench is being stopped: what it measured is incomplete and must not be written as results. */
export const interrupted = (): boolean => stopping;
