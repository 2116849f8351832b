import { globalGateway } from '@retail/topology';
import { serviceName } from '../secrets.ts';

/**
 * How the system is named in Kubernetes: one namespace per running cell (a partition is a cell of its
 * own), one for gateway-global (the edge), one for NATS and the provisioning Job, one for the trace
 * collector. Each process is a workload, a Service and a Secret named as its compose service is
 * (`orders-1-checkout`: unique across namespaces, which kubectl 1.20's kustomize needs to patch it), so
 * it is reached at `http://orders-1-checkout.retail-orders-1.svc.cluster.local:4202`.
 */
export const PREFIX = 'retail';
export const namespaceOf = (cell: string) => `${PREFIX}-${cell}`;
/** gateway-global's namespace: the plan calls its cell `edge`. */
export const EDGE = 'edge';
export const EDGE_NAMESPACE = namespaceOf(EDGE);
export const NATS_NAMESPACE = namespaceOf('nats');
export const TELEMETRY_NAMESPACE = namespaceOf('telemetry');
/** The metrics scraper's namespace: not generated, only allowed in (by its `kubernetes.io/metadata.name`). */
export const MONITORING_NAMESPACE = 'monitoring';
const CLUSTER_DOMAIN = 'svc.cluster.local';

/** `orders-1/checkout` → `retail-orders-1` and `orders-1-checkout`; `gateway-global` → `retail-edge` and itself. */
export function placeOf(planName: string): { namespace: string; name: string } {
  const [cell, component] = planName.split('/');
  return { namespace: component ? namespaceOf(cell!) : EDGE_NAMESPACE, name: serviceName(planName) };
}
export const hostOf = (name: string, namespace: string) => `${name}.${namespace}.${CLUSTER_DOMAIN}`;
/** How other processes reach a process, by its plan name: its Service's cluster DNS name. */
export const serviceUrl = (planName: string, port: number) => {
  const { namespace, name } = placeOf(planName);
  return `http://${hostOf(name, namespace)}:${port}`;
};

/** The NATS Helm release (fullnameOverride): Service `nats`, pods `nats-0…` behind `nats-headless`. */
export const NATS_RELEASE = 'nats';
export const NATS_PORT = 4222;
export const NATS_CLUSTER_PORT = 6222;
export const NATS_MONITOR_PORT = 8222;
/** nats-server's pods, as the official chart labels them. */
export const NATS_POD_LABELS = { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': NATS_RELEASE };
/** `NATS_URL` for `replicas` servers: the Service for one, every pod by its stable name for a cluster. */
export const natsUrl = (replicas: number) =>
  replicas === 1
    ? `nats://${hostOf(NATS_RELEASE, NATS_NAMESPACE)}:${NATS_PORT}`
    : Array.from(
        { length: replicas },
        (_, i) => `nats://${NATS_RELEASE}-${i}.${hostOf(`${NATS_RELEASE}-headless`, NATS_NAMESPACE)}:${NATS_PORT}`,
      ).join(',');

/** Jaeger all-in-one: OTLP/HTTP in, the UI by port-forward. */
export const JAEGER = 'jaeger';
export const OTLP_PORT = 4318;
export const JAEGER_UI_PORT = 16686;
export const OTLP_ENDPOINT = `http://${hostOf(JAEGER, TELEMETRY_NAMESPACE)}:${OTLP_PORT}`;

/** What clients call gateway-global (the token issuer): `kubectl port-forward` to localhost by default; an overlay sets its own. */
export const PUBLIC_URL = `http://localhost:${globalGateway.port}`;

/** The labels every generated object carries, and those that select a workload's pods. */
export const PART_OF = { 'app.kubernetes.io/part-of': 'cellular-retail' };
export const selectorOf = (name: string) => ({ 'app.kubernetes.io/name': name });
export const labelsOf = (name: string, extra: Record<string, string> = {}) => ({ ...selectorOf(name), ...PART_OF, ...extra });
/** The label on every namespace of the system: which cell it holds. */
export const CELL_LABEL = 'retail.example/cell';
/** The label Kubernetes sets on every namespace: what namespaceSelectors select by. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
