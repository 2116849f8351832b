/** Progress on stderr, with the seconds since the bench started; stdout is kept for the report. */
export type Log = (message: string) => void;

export function stderrLog(startedAt = performance.now()): Log {
  return (message) => {
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[bench ${seconds}s] ${message}\n`);
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
