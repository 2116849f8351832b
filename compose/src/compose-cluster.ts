import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { composeModel, composeText, type ComposeFile, type ComposeService } from './compose-file.ts';

/**
 * compose/compose.nats-cluster.yaml: what running NATS as a 3-node JetStream cluster changes of
 * compose.yaml, as an override file compose merges over it —
 *
 *   docker compose -f compose/compose.yaml -f compose/compose.nats-cluster.yaml up --build
 *
 * It is the difference between the two models composeModel derives (NATS_NODES unset and 3), so the two
 * never disagree: the nodes nats-2 and nats-3 with their volumes, nats.conf with a cluster block for all
 * three, every service's NATS_URL listing the three, and setup told to write the routes and to keep every
 * stream and bucket on all three nodes.
 */
export const composeClusterFilePath = fileURLToPath(new URL('../compose.nats-cluster.yaml', import.meta.url));

/** An override file: services with only what they change, and the volumes they add. */
export interface ComposeOverride {
  services: Record<string, Partial<ComposeService>>;
  volumes: ComposeFile['volumes'];
}

export function composeClusterOverride(source: Record<string, string | undefined> = {}): ComposeOverride {
  const single = composeModel(source);
  const cluster = composeModel({ ...source, NATS_NODES: '3' });
  const services: Record<string, Partial<ComposeService>> = {};
  for (const [name, service] of Object.entries(cluster.services)) {
    const before = single.services[name];
    const changed = before ? changes(before, service) : service;
    if (Object.keys(changed).length) services[name] = changed;
  }
  const volumes = Object.fromEntries(Object.entries(cluster.volumes).filter(([name]) => !(name in single.volumes)));
  return { services, volumes };
}

/** A service's fields that differ; of its environment (which compose merges by name), only the variables that differ. */
function changes(before: ComposeService, after: ComposeService): Partial<ComposeService> {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after) as [keyof ComposeService, unknown][]) {
    if (isDeepStrictEqual(before[key], value)) continue;
    changed[key] =
      key === 'environment'
        ? Object.fromEntries(Object.entries(after.environment ?? {}).filter(([name, v]) => before.environment?.[name] !== v))
        : value;
  }
  return changed as Partial<ComposeService>;
}

const HEADER = `# NATS as a 3-node JetStream cluster, over compose.yaml:
#   docker compose -f compose/compose.yaml -f compose/compose.nats-cluster.yaml up --build
# Generated from the cell descriptors by \`npm run generate:compose\` (compose/src/compose-cluster.ts); do not edit.
`;

export const composeClusterYaml = (source: Record<string, string | undefined> = {}) => HEADER + composeText(composeClusterOverride(source));
