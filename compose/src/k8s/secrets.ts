import type { ISecret } from 'kubernetes-models/v1';
import { natsPasswordEnv, natsPasswordVar, natsUserNames, SYSTEM_NATS_USER } from '../nats-auth.ts';
import { generateSecret, storedSecretNames } from '../secrets.ts';
import { NATS_SECRET } from './nats-values.ts';
import { NATS_NAMESPACE, PART_OF } from './names.ts';
import { SETUP, type K8sSystem, type Manifest } from './workloads.ts';

/**
 * The Secrets the manifests name, with values: never committed, made on the operator's machine and sent
 * straight to the cluster (`node compose/src/generate-k8s.ts secrets | kubectl create -f -`). As
 * compose's setup does, a secret set in the environment (`ADMIN_PASSWORD=… `) is used as it is, every
 * other one generated (240 random bits). Each process's Secret holds only its own, under the variable
 * it reads (its grants, secrets.ts); nats-server's every user's password; setup's the `system` one.
 */
export function secretManifests(system: K8sSystem, source: Record<string, string | undefined> = process.env): Manifest[] {
  const values = Object.fromEntries(storedSecretNames(system.cells).map((name) => [name, source[name] || generateSecret()]));
  // Throws, naming it, for a provided NATS password nats-server would misread.
  natsPasswordEnv(system.cells, values);
  const secret = (name: string, namespace: string, data: Record<string, string>): ISecret & Manifest => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { ...PART_OF } },
    type: 'Opaque',
    stringData: data,
  });
  const pick = (grants: Record<string, string>) =>
    Object.fromEntries(Object.entries(grants).map(([variable, stored]) => [variable, values[stored]!]));
  const systemPassword = natsPasswordVar(SYSTEM_NATS_USER);
  return [
    ...system.workloads.map((w) => secret(w.name, w.namespace, pick(w.secrets))),
    secret(
      NATS_SECRET,
      NATS_NAMESPACE,
      pick(Object.fromEntries(natsUserNames(system.cells).map((user) => [natsPasswordVar(user), natsPasswordVar(user)]))),
    ),
    secret(SETUP, NATS_NAMESPACE, { [systemPassword]: values[systemPassword]! }),
  ];
}
