import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { natsUrl, selectorOf, PART_OF } from './names.ts';
import { PROD_NATS_NODES } from './nats-values.ts';
import { SETUP, setupJob, NATS_NODES_VAR, type Manifest, type Workload } from './workloads.ts';

/**
 * The overlays' own objects and strategic-merge patches. dev: one replica of everything, small requests
 * (a laptop or a kind cluster). prod: a NATS cluster of three servers (every client given all three,
 * every stream kept on three), and the stateless composites run twice, autoscaled on CPU, with a
 * PodDisruptionBudget. Never a SQLite owner, never a cell gateway (its keys are its own).
 */
const workloadKind = (workload: Workload) => (workload.datastore ? 'StatefulSet' : 'Deployment');
const target = (workload: Workload) => ({ name: workload.name, namespace: workload.namespace });

/** A patch of a workload's pod template: the fields of its one container. */
const containerPatch = (workload: Workload, container: Record<string, unknown>, spec: Record<string, unknown> = {}): Manifest => ({
  apiVersion: 'apps/v1',
  kind: workloadKind(workload),
  metadata: target(workload),
  spec: { ...spec, template: { spec: { containers: [{ name: workload.name, ...container }] } } },
});

/** dev: requests a small node fits nineteen of; the limits stay as the base's. */
export const DEV_REQUESTS = { cpu: '10m', memory: '64Mi' };
export const devPatches = (workloads: Workload[]): Manifest[] =>
  workloads.map((w) => containerPatch(w, { resources: { requests: DEV_REQUESTS } }, { replicas: 1 }));

/** prod: every process (and setup) told of the three servers; setup keeps each stream on all three. */
export function prodNatsPatches(workloads: Workload[]): Manifest[] {
  const url = { name: 'NATS_URL', value: natsUrl(PROD_NATS_NODES) };
  const job = setupJob();
  return [
    ...workloads.map((w) => containerPatch(w, { env: [url] })),
    {
      apiVersion: job.apiVersion,
      kind: job.kind,
      metadata: { name: job.metadata.name, namespace: job.metadata.namespace },
      spec: {
        template: { spec: { containers: [{ name: SETUP, env: [url, { name: NATS_NODES_VAR, value: String(PROD_NATS_NODES) }] }] } },
      },
    },
  ];
}

export const PROD_REPLICAS = { min: 2, max: 4 };
export const prodReplicaPatches = (workloads: Workload[]): Manifest[] =>
  workloads.filter((w) => w.scalable).map((w) => ({ ...containerPatch(w, {}), spec: { replicas: PROD_REPLICAS.min } }));

/** prod: an autoscaler and a disruption budget for each component that holds nothing of its own. */
export function prodAutoscaling(workloads: Workload[]): Manifest[] {
  return workloads
    .filter((w) => w.scalable)
    .flatMap((w): Manifest[] => {
      const hpa: IHorizontalPodAutoscaler & Manifest = {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { ...target(w), labels: { ...PART_OF } },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
          minReplicas: PROD_REPLICAS.min,
          maxReplicas: PROD_REPLICAS.max,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      };
      const pdb: IPodDisruptionBudget & Manifest = {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { ...target(w), labels: { ...PART_OF } },
        spec: { minAvailable: 1, selector: { matchLabels: selectorOf(w.name) } },
      };
      return [hpa, pdb];
    });
}
