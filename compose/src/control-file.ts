import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** How the cells CLI finds the running system's control server: written by the runner, readable by its user only. */
export interface ControlAddress {
  port: number;
  token: string;
  pid: number;
}

export const controlFilePath = (dataDir: string) => join(dataDir, 'control.json');

export function writeControlFile(file: string, address: ControlAddress): void {
  mkdirSync(dirname(file), { recursive: true });
  // A file left by a runner that was killed keeps its old mode when overwritten: write a new one.
  rmSync(file, { force: true });
  writeFileSync(file, JSON.stringify(address), { mode: 0o600, flag: 'wx' });
}

/** The address, or undefined when no runner has written one. */
export function readControlFile(file: string): ControlAddress | undefined {
  let parsed: Partial<ControlAddress>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed.port !== 'number' || typeof parsed.token !== 'string') return undefined;
  return { port: parsed.port, token: parsed.token, pid: Number(parsed.pid) };
}

/** Removes the file if it is still this runner's (a later runner may have replaced it). */
export function removeControlFile(file: string, token: string): void {
  if (readControlFile(file)?.token === token) rmSync(file, { force: true });
}
