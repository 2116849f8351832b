import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeClusterFilePath, composeClusterYaml } from './compose-cluster.ts';
import { composeFilePath, SETUP_SERVICE, type ComposeFile, type ComposeService } from './compose-file.ts';

const base = parse(readFileSync(composeFilePath, 'utf8')) as ComposeFile;
const override = parse(readFileSync(composeClusterFilePath, 'utf8')) as ComposeFile;

/** compose.yaml with the override merged over it, as compose merges: fields replaced, environment merged by name, mounts by target. */
function merged(): Record<string, ComposeService> {
  const services: Record<string, ComposeService> = structuredClone(base.services);
  for (const [name, changes] of Object.entries(override.services)) {
    const service = services[name];
    if (!service) {
      services[name] = changes;
      continue;
    }
    const { environment, volumes, ...rest } = changes;
    Object.assign(service, rest);
    if (environment) service.environment = { ...service.environment, ...environment };
    if (volumes) {
      const target = (mount: string) => mount.split(':')[1];
      service.volumes = [...(service.volumes ?? []).filter((m) => !volumes.some((v) => target(v) === target(m))), ...volumes];
    }
  }
  return services;
}

describe('compose/compose.nats-cluster.yaml: NATS as a 3-node cluster over compose.yaml', () => {
  it('is what the descriptors generate now (run `npm run generate:compose`)', () => {
    expect(readFileSync(composeClusterFilePath, 'utf8')).toBe(composeClusterYaml());
  });

  it('adds two nodes beside nats, each with its own store, all three running the cluster config under their own names', () => {
    const services = merged();
    for (const node of ['nats', 'nats-2', 'nats-3']) {
      const service = services[node]!;
      expect(service.volumes, node).toContain('./nats/nats-cluster.conf:/etc/nats/nats.conf:ro');
      expect(service.volumes, node).toContain(`${node === 'nats' ? 'nats' : node}-data:/data`);
      expect(service.entrypoint!.at(-1), node).toMatch(new RegExp(`routes\\.conf .*--name ${node}$`));
      expect(service.networks).toEqual(base.services.nats!.networks);
    }
    expect(Object.keys(override.volumes)).toEqual(['nats-2-data', 'nats-3-data']);
  });

  it('gives every process all three nodes, and setup the cluster’s size', () => {
    const services = merged();
    const clients = Object.entries(services).filter(([, s]) => s.environment?.NATS_URL);
    expect(clients.length).toBe(Object.values(base.services).filter((s) => s.environment?.NATS_URL).length);
    for (const [name, service] of clients)
      expect(service.environment!.NATS_URL, name).toBe('nats://nats:4222,nats://nats-2:4222,nats://nats-3:4222');
    expect(services[SETUP_SERVICE]!.environment!.NATS_NODES).toBe('3');
  });

  it('changes nothing else: no service loses a network, a secret or a port', () => {
    for (const [name, changes] of Object.entries(override.services)) {
      if (!base.services[name]) continue;
      expect(Object.keys(changes).sort(), name).toEqual(name === 'nats' ? ['entrypoint', 'volumes'] : ['environment']);
    }
  });
});
