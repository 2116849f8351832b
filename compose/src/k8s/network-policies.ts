import type { INetworkPolicy, INetworkPolicyPeer, INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';
import { globalGateway } from '@retail/topology';
import { callTargets, instanceName, type CellDescriptor } from '@retail/descriptor';
import {
  EDGE_NAMESPACE,
  JAEGER,
  MONITORING_NAMESPACE,
  NAMESPACE_NAME_LABEL,
  NATS_CLUSTER_PORT,
  NATS_MONITOR_PORT,
  NATS_NAMESPACE,
  NATS_POD_LABELS,
  NATS_PORT,
  namespaceOf,
  OTLP_PORT,
  PART_OF,
  placeOf,
  selectorOf,
  TELEMETRY_NAMESPACE,
} from './names.ts';
import { SETUP, type Manifest, type Workload } from './workloads.ts';

/**
 * The cell boundary as a network fact. Every namespace denies all traffic in and out, then allows only:
 *   - inside a cell: any of its pods to any other's HTTP port;
 *   - into a cell: its gateway's port only, from gateway-global and from the components of the cells whose
 *     descriptors declare calls to it (`calls`, every partition of a partitioned cell: callTargets);
 *   - out of a cell: NATS, the cluster DNS, the gateways it calls and gateway-global (tokens, JWKS), and
 *     from its gateway the trace collector;
 *   - metrics ports from the `monitoring` namespace only.
 */
type Policy = INetworkPolicy & Manifest;
type Peer = INetworkPolicyPeer;

const tcp = (...ports: number[]): INetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port }));
const inNamespace = (namespace: string, pods?: Record<string, string>): Peer => ({
  namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
  ...(pods ? { podSelector: { matchLabels: pods } } : {}),
});
const ALL_PODS = {};

function policy(
  namespace: string,
  name: string,
  pods: Record<string, string>,
  rules: Pick<Policy['spec'] & object, 'ingress' | 'egress'>,
): Policy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { ...PART_OF } },
    spec: {
      podSelector: Object.keys(pods).length ? { matchLabels: pods } : {},
      policyTypes: [...(rules.ingress ? (['Ingress'] as const) : []), ...(rules.egress ? (['Egress'] as const) : [])],
      ...rules,
    },
  };
}

/** What every namespace of the system has: nothing in or out, but for name lookups. */
const baseline = (namespace: string): Policy[] => [
  policy(namespace, 'default-deny', ALL_PODS, { ingress: [], egress: [] }),
  policy(namespace, 'dns', ALL_PODS, {
    egress: [
      {
        to: [inNamespace('kube-system', { 'k8s-app': 'kube-dns' })],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ],
  }),
];

/** A namespace of Node processes: NATS for each, and each metrics port for the scraper only. */
const processBaseline = (namespace: string, workloads: Workload[]): Policy[] => [
  ...baseline(namespace),
  policy(namespace, 'nats', ALL_PODS, { egress: [{ to: [inNamespace(NATS_NAMESPACE, NATS_POD_LABELS)], ports: tcp(NATS_PORT) }] }),
  policy(namespace, 'metrics', ALL_PODS, {
    ingress: [{ from: [inNamespace(MONITORING_NAMESPACE)], ports: tcp(...workloads.map((w) => w.plan.metricsPort)) }],
  }),
];

const gatewayGlobal = inNamespace(EDGE_NAMESPACE, selectorOf(globalGateway.name));
const toGatewayGlobal = { to: [gatewayGlobal], ports: tcp(globalGateway.port) };
const toGateway = (gateway: Workload) => ({
  to: [inNamespace(gateway.namespace, selectorOf(gateway.name))],
  ports: tcp(gateway.plan.port),
});
const toCollector = { to: [inNamespace(TELEMETRY_NAMESPACE, selectorOf(JAEGER))], ports: tcp(OTLP_PORT) };
/** The running cells a component's declared calls reach. */
const targetsOf = (calls: readonly string[] | undefined, cells: readonly CellDescriptor[]) => [
  ...new Set((calls ?? []).flatMap((called) => callTargets(cells, called))),
];

function cellPolicies(cell: CellDescriptor, cells: readonly CellDescriptor[], workloads: Workload[]): Policy[] {
  const self = instanceName(cell);
  const namespace = namespaceOf(self);
  const own = workloads.filter((w) => w.namespace === namespace);
  const gateway = own.find((w) => w.plan.kind === 'cell-gateway')!;
  const gatewayOf = (target: string) => workloads.find((w) => w.plan.name === `${target}/gateway`)!;
  // The components of other cells whose descriptors declare calls reaching this cell (its own: within-cell).
  const callers = cells
    .filter((other) => other !== cell)
    .flatMap((other) =>
      other.components
        .filter((c) => targetsOf(c.calls, cells).includes(self))
        .map((c) => inNamespace(namespaceOf(instanceName(other)), selectorOf(placeOf(`${instanceName(other)}/${c.name}`).name))),
    );
  return [
    ...processBaseline(namespace, own),
    policy(namespace, 'within-cell', ALL_PODS, { egress: [{ to: [{ podSelector: {} }] }] }),
    ...own
      .filter((w) => w !== gateway)
      .map((w) => policy(namespace, w.name, selectorOf(w.name), { ingress: [{ from: [{ podSelector: {} }], ports: tcp(w.plan.port) }] })),
    policy(namespace, gateway.name, selectorOf(gateway.name), {
      ingress: [{ from: [{ podSelector: {} }, gatewayGlobal, ...callers], ports: tcp(gateway.plan.port) }],
      // The token service's keys (JWKS); its spans to the collector, its cell's with them.
      egress: [toGatewayGlobal, toCollector],
    }),
    // A component that calls other cells: their gateways, and gateway-global for its client-credentials token.
    ...cell.components
      .filter((c) => c.calls?.length)
      .map((c) =>
        policy(namespace, `${c.name}-calls`, selectorOf(placeOf(`${self}/${c.name}`).name), {
          egress: [
            ...targetsOf(c.calls, cells)
              .filter((target) => target !== self)
              .map((target) => toGateway(gatewayOf(target))),
            toGatewayGlobal,
          ],
        }),
      ),
  ];
}

function edgePolicies(cells: readonly CellDescriptor[], workloads: Workload[]): Policy[] {
  const own = workloads.filter((w) => w.namespace === EDGE_NAMESPACE);
  const gateways = cells.map((c) => workloads.find((w) => w.plan.name === `${instanceName(c)}/gateway`)!);
  return [
    ...processBaseline(EDGE_NAMESPACE, own),
    // The public entry: anyone may call it (an Ingress, a LoadBalancer, `kubectl port-forward`).
    policy(EDGE_NAMESPACE, globalGateway.name, selectorOf(globalGateway.name), {
      ingress: [{ ports: tcp(globalGateway.port) }],
      egress: [...gateways.map(toGateway), toCollector],
    }),
  ];
}

/** nats-server (the chart's pods): its client port from every namespace that runs a process, its routes among themselves. */
function natsPolicies(cells: readonly CellDescriptor[]): Policy[] {
  const clients = [...cells.map((c) => namespaceOf(instanceName(c))), EDGE_NAMESPACE].map((ns) => inNamespace(ns));
  const natsPods = { podSelector: { matchLabels: NATS_POD_LABELS } };
  return [
    ...baseline(NATS_NAMESPACE),
    policy(NATS_NAMESPACE, 'nats', NATS_POD_LABELS, {
      ingress: [
        { from: [...clients, { podSelector: { matchLabels: selectorOf(SETUP) } }], ports: tcp(NATS_PORT) },
        { from: [natsPods], ports: tcp(NATS_CLUSTER_PORT) },
        { from: [inNamespace(MONITORING_NAMESPACE)], ports: tcp(NATS_MONITOR_PORT) },
      ],
      egress: [{ to: [natsPods], ports: tcp(NATS_CLUSTER_PORT) }],
    }),
    policy(NATS_NAMESPACE, SETUP, selectorOf(SETUP), { egress: [{ to: [natsPods], ports: tcp(NATS_PORT) }] }),
  ];
}

/** The trace collector: spans from the gateways (cell components send theirs through their gateway). */
function telemetryPolicies(workloads: Workload[]): Policy[] {
  const senders = workloads.filter((w) => w.plan.kind.endsWith('gateway')).map((w) => inNamespace(w.namespace, selectorOf(w.name)));
  return [
    ...baseline(TELEMETRY_NAMESPACE),
    policy(TELEMETRY_NAMESPACE, JAEGER, selectorOf(JAEGER), { ingress: [{ from: senders, ports: tcp(OTLP_PORT) }] }),
  ];
}

/** Every NetworkPolicy, by namespace. */
export function networkPolicies(cells: readonly CellDescriptor[], workloads: Workload[]): Map<string, Policy[]> {
  return new Map([
    ...cells.map((c) => [namespaceOf(instanceName(c)), cellPolicies(c, cells, workloads)] as const),
    [EDGE_NAMESPACE, edgePolicies(cells, workloads)],
    [NATS_NAMESPACE, natsPolicies(cells)],
    [TELEMETRY_NAMESPACE, telemetryPolicies(workloads)],
  ]);
}
