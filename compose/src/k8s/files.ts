import { fileURLToPath } from 'node:url';
import { Document } from 'yaml';
import { instanceName } from '@retail/descriptor';
import { IMAGE } from '../compose-file.ts';
import { EDGE, EDGE_NAMESPACE, NATS_NAMESPACE, namespaceOf, PREFIX, TELEMETRY_NAMESPACE } from './names.ts';
import { natsProdValues, natsValues } from './nats-values.ts';
import { networkPolicies } from './network-policies.ts';
import { devPatches, prodAutoscaling, prodNatsPatches, prodReplicaPatches } from './overlays.ts';
import { jaegerManifests, type K8sSystem, k8sSystem, namespaces, processManifests, setupJob, type Manifest } from './workloads.ts';

/**
 * deploy/k8s, derived from the cell descriptors: a kustomize base and its dev and prod overlays, and the
 * values for the official NATS Helm chart. Every kustomization uses only what kubectl 1.20's kustomize
 * (v2.0.3, Debian bookworm's kubernetes-client) reads as well as a current one: bases, resources,
 * patchesStrategicMerge, images; each object names its own namespace.
 */
export const k8sDir = fileURLToPath(new URL('../../../deploy/k8s', import.meta.url));

const HEADER = (what: string) =>
  `# ${what}\n# Generated from the cell descriptors by \`npm run generate:k8s\` (compose/src/k8s); do not edit. See deploy/k8s/README.md.\n`;

/** YAML 1.1 quoting (as compose.yaml): Kubernetes' parsers read `yes`, `on` or `0440` as YAML 1.1 does. */
const yamlDoc = (value: unknown) => new Document(value, { version: '1.1', aliasDuplicateObjects: false }).toString({ lineWidth: 0 });
export const yamlFile = (what: string, docs: unknown[]) => HEADER(what) + docs.map(yamlDoc).join('---\n');

/** The folder of a namespace's files in the base: `retail-orders-1` → `orders-1`. */
const folderOf = (namespace: string) => namespace.slice(PREFIX.length + 1);

/** The image's name as kustomize's `images:` matches it, and its tag. */
const [imageName, imageTag] = IMAGE.split(':') as [string, string];
const images = [{ name: imageName, newTag: imageTag }];

/** Every file under deploy/k8s, by its path there; `system` differs in tests only (a changed descriptor). */
export function k8sFiles(system: K8sSystem = k8sSystem()): Record<string, string> {
  const { cells, workloads } = system;
  const policies = networkPolicies(cells, workloads);
  const files: Record<string, string> = {};
  const resources: string[] = [];
  const add = (path: string, what: string, docs: unknown[]) => {
    files[path] = yamlFile(what, docs);
  };
  const addBase = (path: string, what: string, docs: Manifest[]) => {
    add(`base/${path}`, what, docs);
    resources.push(path);
  };

  addBase(
    'namespaces.yaml',
    'One namespace per running cell (each partition its own), the edge, NATS and the trace collector',
    namespaces(cells),
  );
  const processNamespaces = [
    ...cells.map((c) => [namespaceOf(instanceName(c)), `cell ${instanceName(c)}`]),
    [EDGE_NAMESPACE, `${EDGE}: gateway-global`],
  ];
  for (const [namespace, what] of processNamespaces as [string, string][]) {
    addBase(
      `${folderOf(namespace)}/workloads.yaml`,
      `${what}: its processes and Services`,
      workloads.filter((w) => w.namespace === namespace).flatMap(processManifests),
    );
  }
  addBase(
    `${folderOf(NATS_NAMESPACE)}/setup.yaml`,
    'Streams, consumers, buckets and configuration: compose’s setup as a Job (nats-server itself: the Helm chart)',
    [setupJob()],
  );
  addBase(`${folderOf(TELEMETRY_NAMESPACE)}/jaeger.yaml`, 'The trace collector and its UI', jaegerManifests());
  for (const [namespace, list] of policies)
    addBase(`${folderOf(namespace)}/network-policies.yaml`, `${namespace}: what may reach it and what it may reach`, list);
  add('base/kustomization.yaml', 'The whole system; apply an overlay (overlays/dev or overlays/prod)', [{ resources }]);

  add('overlays/dev/resources.yaml', 'dev: one replica each, small requests', devPatches(workloads));
  add('overlays/dev/kustomization.yaml', 'dev: kubectl apply -k deploy/k8s/overlays/dev', [
    { bases: ['../../base'], patchesStrategicMerge: ['resources.yaml'], images },
  ]);
  add(
    'overlays/prod/nats-cluster.yaml',
    'prod: every process connects to the three NATS servers; setup keeps each stream on all three',
    prodNatsPatches(workloads),
  );
  add('overlays/prod/replicas.yaml', 'prod: two replicas of each stateless composite', prodReplicaPatches(workloads));
  add(
    'overlays/prod/autoscaling.yaml',
    'prod: autoscaling and disruption budgets for the stateless composites only',
    prodAutoscaling(workloads),
  );
  add(
    'overlays/prod/kustomization.yaml',
    'prod: kubectl apply -k deploy/k8s/overlays/prod (NATS: helm with nats/values.yaml and nats/values-prod.yaml)',
    [{ bases: ['../../base'], resources: ['autoscaling.yaml'], patchesStrategicMerge: ['nats-cluster.yaml', 'replicas.yaml'], images }],
  );

  add(
    'nats/values.yaml',
    'Values for the official NATS chart (helm repo add nats https://nats-io.github.io/k8s/helm/charts/): one server, JetStream, the cells’ users',
    [natsValues(cells)],
  );
  add('nats/values-prod.yaml', 'prod, on top of values.yaml: a cluster of three', [natsProdValues()]);
  return files;
}
