import { fileURLToPath } from 'node:url';
import { freePort } from '@retail/testing';
import type { ProcessPlan } from '../src/plan.ts';

/** What the supervisor runs for a fixture plan: `node <this file>` in any folder. */
export const FIXTURE_ENTRY = fileURLToPath(new URL('./fixture-service.ts', import.meta.url));

/** A plan for one fixture process on a free port. */
export async function fixturePlan(
  name: string,
  kind: ProcessPlan['kind'] = 'core',
  env: Record<string, string> = {},
): Promise<ProcessPlan> {
  const port = await freePort();
  return {
    name,
    instance: Number(name.split('#')[1] ?? 1),
    cell: kind === 'global-gateway' ? 'edge' : name.split('/')[0]!,
    kind,
    dir: fileURLToPath(new URL('.', import.meta.url)),
    port,
    metricsPort: port + 1,
    env: { PORT: String(port), ...env },
    url: `http://127.0.0.1:${port}`,
  };
}

/** The pid a fixture answers with, or undefined when nothing answers on its port. */
export const answeringPid = (plan: ProcessPlan): Promise<number | undefined> =>
  fetch(`${plan.url}/readyz`).then(
    async (r) => ((await r.json()) as { pid: number }).pid,
    () => undefined,
  );

export const crash = (plan: ProcessPlan) => fetch(`${plan.url}/crash`, { method: 'POST' }).then((r) => r.text());
