import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Patch over V8 as Node 24 ships it (written for V8 13.6): borrowing its `gc` function at run time.
 *
 * V8 hands its `gc` function only to contexts made while `--expose-gc` is set, and a service should not
 * need a command-line flag to give memory back. So the flag is set, a context is made to pick `gc` up,
 * and the flag is cleared again at once. The function is then called in its memory-reducing form
 * (`flavor: 'last-resort'`, what V8 runs under memory pressure): besides a full GC it shrinks the young
 * generation and frees pooled pages, which a plain full GC keeps. Neither the flag toggling nor these
 * options are a documented API; expose-gc.test.ts checks that both still do this.
 *
 * @example
 * const collect = memoryReducingGc();
 * collect(); // when the process is idle
 * collect(BYTECODE_OLD_AGE); // idle for long: unused code goes too
 */
export function memoryReducingGc(): (times?: number) => void {
  let gc = (globalThis as { gc?: GcFunction }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as GcFunction;
    setFlagsFromString('--no-expose-gc');
  }
  // With this flag V8 drops a function's baseline code with its bytecode, when it flushes that.
  setFlagsFromString('--flush-baseline-code');
  const collect = gc;
  return (times = 1) => {
    for (let i = 0; i < times; i++) collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  };
}

/**
 * V8's `--bytecode-old-age` (6 in V8 13.6), plus one: that many full GCs in a row drop the bytecode (and
 * baseline code) of every function not run meanwhile. A function called again is compiled again, lazily:
 * its first call afterwards is slower.
 */
export const BYTECODE_OLD_AGE = 7;

type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
