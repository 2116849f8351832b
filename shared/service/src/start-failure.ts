/** What a cell process does when it cannot even load what it needs to start: say so, and exit 1. */
export const exitOnStartFailure = (name: string) => (error: unknown) => {
  console.error(`fatal: ${name} failed to start`, error);
  process.exit(1);
};
