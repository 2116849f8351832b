import { posix, relative } from 'node:path';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type {
  IContainer,
  IEnvVar,
  INamespace,
  IPodSpec,
  IResourceRequirements,
  IService,
  IVolume,
  IVolumeMount,
} from 'kubernetes-models/v1';
import { globalGateway, systemCells } from '@retail/topology';
import { instanceName, type CellDescriptor } from '@retail/descriptor';
import { IMAGE, JAEGER_IMAGE } from '../compose-file.ts';
import { BUNDLE } from '../build.ts';
import { natsPasswordVar, SYSTEM_NATS_USER } from '../nats-auth.ts';
import { partitionCounts, planSystem, repoRoot, type ProcessPlan } from '../plan.ts';
import { SECRETS_MOUNT, secretGrants } from '../secrets.ts';
import {
  CELL_LABEL,
  EDGE,
  EDGE_NAMESPACE,
  JAEGER,
  JAEGER_UI_PORT,
  labelsOf,
  NATS_NAMESPACE,
  namespaceOf,
  natsUrl,
  OTLP_ENDPOINT,
  OTLP_PORT,
  PART_OF,
  placeOf,
  PUBLIC_URL,
  selectorOf,
  serviceUrl,
  TELEMETRY_NAMESPACE,
} from './names.ts';

/** Any generated object: what the files, the drift test and the validator handle. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const APP_DIR = '/app';
const DATA_DIR = '/data';
/** The node image's `node` user. */
export const NODE_UID = 1000;
/** Jaeger's image runs as this user. */
const JAEGER_UID = 10001;

/**
 * Requests and limits from measured figures: README.md, Performance: 19 processes at idle hold 1,506 MiB
 * RSS, 70–85 MiB each; under the saga load one process uses well under one of two cores. Requests are
 * the idle figure with headroom, limits what a process under load and a GC's peak fit in.
 */
export const RESOURCES: IResourceRequirements = {
  requests: { cpu: '50m', memory: '96Mi' },
  limits: { cpu: '1', memory: '256Mi' },
};

/**
 * One running process of the plan as Kubernetes runs it. A component that owns a SQLite file is a
 * StatefulSet of one replica with a PersistentVolumeClaim: it is its file's only writer, and the cell
 * scales by partitions, not replicas. Everything else is a Deployment; `scalable` when nothing of it lives
 * in its process (a stateless composite). A cell gateway is not: its internal-token signing keys are its
 * own (DATA_DIR), and a second replica would sign with keys the first one's JWKS does not list.
 */
export interface Workload {
  plan: ProcessPlan;
  namespace: string;
  name: string;
  datastore?: string;
  scalable: boolean;
  /** Its variable → the key of its Secret (named like the workload), as compose's grants say. */
  secrets: Record<string, string>;
}

/** The running system (`systemCells`) and its process plan, with cluster DNS names for every address. */
export interface K8sSystem {
  cells: readonly CellDescriptor[];
  workloads: Workload[];
}

export function k8sSystem(): K8sSystem {
  const cells = systemCells({});
  const plans = planSystem({ dataDir: DATA_DIR, natsUrl: natsUrl(1), host: '0.0.0.0', urlOf: serviceUrl, issuer: PUBLIC_URL });
  const grants = secretGrants(cells);
  const componentOf = (plan: ProcessPlan) =>
    cells.find((c) => instanceName(c) === plan.cell)?.components.find((c) => `${plan.cell}/${c.name}` === plan.name);
  const workloads = plans.map((plan) => {
    const component = componentOf(plan);
    // gateway-global keeps its customers' accounts in accounts.db.
    const datastore = plan.name === globalGateway.name ? 'accounts.db' : component?.datastore;
    return {
      plan,
      ...placeOf(plan.name),
      ...(datastore ? { datastore } : {}),
      scalable: !!component && !datastore,
      secrets: grants[plan.name] ?? {},
    };
  });
  return { cells, workloads };
}

export const namespaceManifest = (name: string, cell: string): INamespace & Manifest => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { ...PART_OF, [CELL_LABEL]: cell } },
});

/** Every namespace: the cells', the edge's, NATS's and the trace collector's. */
export const namespaces = (cells: readonly CellDescriptor[]): Manifest[] => [
  ...cells.map((c) => namespaceManifest(namespaceOf(instanceName(c)), instanceName(c))),
  namespaceManifest(EDGE_NAMESPACE, EDGE),
  namespaceManifest(NATS_NAMESPACE, 'nats'),
  namespaceManifest(TELEMETRY_NAMESPACE, 'telemetry'),
];

/** Non-root, nothing to escalate to, no capability, the runtime's seccomp profile. */
const podSecurity = (uid: number): IPodSpec['securityContext'] => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: { type: 'RuntimeDefault' },
});
const containerSecurity: IContainer['securityContext'] = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

const TMP: { volume: IVolume; mount: IVolumeMount } = { volume: { name: 'tmp', emptyDir: {} }, mount: { name: 'tmp', mountPath: '/tmp' } };

/** A hardened pod: no service-account token (nothing here talks to the API server), no service links in its env. */
function pod(uid: number, containers: IContainer[], volumes: IVolume[]): IPodSpec {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurity(uid),
    containers: containers.map((c) => ({ ...c, securityContext: containerSecurity })),
    volumes: [TMP.volume, ...volumes],
  };
}

const envList = (env: Record<string, string>): IEnvVar[] => Object.entries(env).map(([name, value]) => ({ name, value }));

/**
 * A process's environment as compose gives it (compose-file.ts), with two differences: addresses are
 * cluster DNS names, and each secret is a file of its Secret, named by `<VAR>_FILE`, never a value.
 */
function processEnv(workload: Workload): Record<string, string> {
  const { plan } = workload;
  // A cell gateway relays its components' spans to the collector; they send theirs to it (compose: tracedThrough).
  const traced: Record<string, string> = {};
  if (plan.kind === 'cell-gateway') traced.OTLP_RELAY_URL = OTLP_ENDPOINT;
  else if (plan.env.CELL_GATEWAY_URL) traced.OTEL_EXPORTER_OTLP_ENDPOINT = plan.env.CELL_GATEWAY_URL;
  if (plan.kind === 'global-gateway') traced.DEMO_USERS = 'false';
  const env: Record<string, string> = {
    OTEL_EXPORTER_OTLP_ENDPOINT: OTLP_ENDPOINT,
    ...plan.env,
    ...traced,
    OTEL_METRICS_EXPORTER: 'prometheus',
    DEPLOYMENT_ENVIRONMENT: 'kubernetes',
  };
  for (const name of Object.keys(workload.secrets)) {
    delete env[name];
    env[`${name}_FILE`] = posix.join(SECRETS_MOUNT, name);
  }
  return env;
}

/** The container of a process: its package's bundle, probes on the kernel's /readyz and /healthz. */
function processContainer(workload: Workload): IContainer {
  const { plan } = workload;
  return {
    name: workload.name,
    image: IMAGE,
    workingDir: posix.join(APP_DIR, relative(repoRoot, plan.dir).split('\\').join('/')),
    command: ['node', BUNDLE],
    env: envList(processEnv(workload)),
    ports: [
      { name: 'http', containerPort: plan.port },
      { name: 'metrics', containerPort: plan.metricsPort },
    ],
    // Up to 60 s to start (compose's start_period), then restarted after 30 s without an answer.
    startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
    resources: RESOURCES,
    volumeMounts: [TMP.mount, { name: 'data', mountPath: DATA_DIR }, { name: 'secrets', mountPath: SECRETS_MOUNT, readOnly: true }],
  };
}

/**
 * Its own Secret only, each key a file. A missing Secret or key keeps the pod from starting, with an
 * event that names it: `MountVolume.SetUp failed for volume "secrets" : secret "checkout" not found`.
 */
const secretsVolume = (workload: Workload): IVolume => ({
  name: 'secrets',
  secret: {
    secretName: workload.name,
    defaultMode: 0o440,
    items: Object.keys(workload.secrets).map((key) => ({ key, path: key })),
  },
});

const DATA_SIZE = '1Gi';

function processWorkload(workload: Workload): IDeployment | IStatefulSet {
  const metadata = {
    name: workload.name,
    namespace: workload.namespace,
    labels: labelsOf(workload.name, { 'app.kubernetes.io/component': workload.plan.kind }),
  };
  const template = { metadata: { labels: metadata.labels } };
  const container = processContainer(workload);
  if (workload.datastore)
    return {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata,
      spec: {
        // One writer of its SQLite file: never more than one replica.
        replicas: 1,
        serviceName: workload.name,
        selector: { matchLabels: selectorOf(workload.name) },
        template: { ...template, spec: pod(NODE_UID, [container], [secretsVolume(workload)]) },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: DATA_SIZE } } } },
        ],
      },
    };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorOf(workload.name) },
      // A cell gateway's internal-token keys live as long as its pod: a new pod signs with new keys.
      template: { ...template, spec: pod(NODE_UID, [container], [{ name: 'data', emptyDir: {} }, secretsVolume(workload)]) },
    },
  };
}

const service = (name: string, namespace: string, ports: { name: string; port: number }[]): IService & Manifest => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, labels: labelsOf(name) },
  spec: { selector: selectorOf(name), ports: ports.map((p) => ({ ...p, targetPort: p.name })) },
});

/** A process's workload and its Service (HTTP and metrics ports). */
export const processManifests = (workload: Workload): Manifest[] => [
  processWorkload(workload) as Manifest,
  service(workload.name, workload.namespace, [
    { name: 'http', port: workload.plan.port },
    { name: 'metrics', port: workload.plan.metricsPort },
  ]),
];

export const SETUP = 'setup';
/** How many nats-server nodes run the bus: setup.ts (natsNodes) keeps each stream and bucket on that many (natsReplicas). */
export const NATS_NODES_VAR = 'NATS_NODES';
const SETUP_READY = '/tmp/setup-ready';

/**
 * compose's setup service as a Job: it provisions every cell's stream and consumers and the platform's
 * buckets (as `system`) and writes the deployment's configuration. Secrets are Kubernetes Secrets here,
 * so only NATS_PASSWORD_SYSTEM is given; what setup.ts hands out besides goes to an emptyDir and away.
 * SETUP_ONCE: it exits once done (in compose it stays up, for depends_on to wait on).
 */
export function setupJob(): IJob & Manifest {
  const system = natsPasswordVar(SYSTEM_NATS_USER);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: SETUP, namespace: NATS_NAMESPACE, labels: labelsOf(SETUP) },
    spec: {
      backoffLimit: 20,
      // Gone a while after it succeeded, so that the next `kubectl apply -k` runs it again (it changes nothing that is right).
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels: labelsOf(SETUP) },
        spec: {
          ...pod(
            NODE_UID,
            [
              {
                name: SETUP,
                image: IMAGE,
                workingDir: APP_DIR,
                command: ['node', 'compose/src/setup.ts'],
                env: [
                  ...envList({
                    NATS_URL: natsUrl(1),
                    [NATS_NODES_VAR]: '1',
                    SECRETS_STORE: '/setup/store',
                    SECRETS_OUT: '/setup/out',
                    SETUP_READY_FILE: SETUP_READY,
                    SETUP_ONCE: 'true',
                    ...partitionCounts({}),
                  }),
                  { name: system, valueFrom: { secretKeyRef: { name: SETUP, key: system } } },
                ],
                resources: RESOURCES,
                volumeMounts: [TMP.mount, { name: 'setup', mountPath: '/setup' }],
              },
            ],
            [{ name: 'setup', emptyDir: {} }],
          ),
          restartPolicy: 'OnFailure',
        },
      },
    },
  };
}

/** Jaeger all-in-one, spans in memory: OTLP/HTTP from the gateways, the UI by `kubectl port-forward`. */
export function jaegerManifests(): Manifest[] {
  const deployment: IDeployment & Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: JAEGER, namespace: TELEMETRY_NAMESPACE, labels: labelsOf(JAEGER) },
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorOf(JAEGER) },
      template: {
        metadata: { labels: labelsOf(JAEGER) },
        spec: pod(
          JAEGER_UID,
          [
            {
              name: JAEGER,
              image: JAEGER_IMAGE,
              ports: [
                { name: 'otlp-http', containerPort: OTLP_PORT },
                { name: 'ui', containerPort: JAEGER_UI_PORT },
                { name: 'health', containerPort: 13133 },
              ],
              readinessProbe: { httpGet: { path: '/status', port: 'health' }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/status', port: 'health' }, periodSeconds: 10 },
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              volumeMounts: [TMP.mount],
            },
          ],
          [],
        ),
      },
    },
  };
  return [
    deployment,
    service(JAEGER, TELEMETRY_NAMESPACE, [
      { name: 'otlp-http', port: OTLP_PORT },
      { name: 'ui', port: JAEGER_UI_PORT },
    ]),
  ];
}
