import { NAMESPACE_NAME_LABEL } from './names.ts';

/**
 * A small NetworkPolicy evaluator (networking.k8s.io/v1 semantics, matchLabels selectors, numeric
 * ports): may a pod connect to another's port? Yes when the source may send it (no Egress policy selects
 * the source, or one of those that do has a rule letting it out to the destination) and the destination
 * may receive it (likewise for Ingress). A namespace without any policy (kube-system, monitoring) allows all.
 */
type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: unknown[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: unknown;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number | string; endPort?: number }[];
}
export interface PolicyObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: { podSelector: Selector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}
export interface Pod {
  namespace: string;
  labels: Labels;
}

function matches(selector: Selector, labels: Labels): boolean {
  // Only what the generator writes: anything else would be evaluated wrongly, so it is refused.
  if (selector.matchExpressions?.length) throw new Error('matchExpressions: not evaluated');
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

/** The namespace's labels as Kubernetes sets them: its name under kubernetes.io/metadata.name. */
const namespaceLabels = (namespace: string): Labels => ({ [NAMESPACE_NAME_LABEL]: namespace });

function peerMatches(peer: Peer, policyNamespace: string, pod: Pod): boolean {
  if (peer.ipBlock) throw new Error('ipBlock: not evaluated');
  const namespaceOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector, namespaceLabels(pod.namespace))
    : pod.namespace === policyNamespace;
  return namespaceOk && (!peer.podSelector || matches(peer.podSelector, pod.labels));
}

const portMatches = (rule: Rule, port: number, protocol: string) =>
  !rule.ports?.length ||
  rule.ports.some(
    (p) =>
      (p.protocol ?? 'TCP') === protocol &&
      (p.port === undefined ||
        p.port === port ||
        (p.endPort !== undefined && typeof p.port === 'number' && port >= p.port && port <= p.endPort)),
  );

function typesOf(policy: PolicyObject): string[] {
  return policy.spec.policyTypes ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];
}

/** Does traffic in `direction` of `subject` to or from `other` on `port` pass the subject's namespace's policies? */
function allowed(
  policies: PolicyObject[],
  direction: 'Ingress' | 'Egress',
  subject: Pod,
  other: Pod,
  port: number,
  protocol: string,
): boolean {
  const selecting = policies.filter(
    (p) => p.metadata.namespace === subject.namespace && typesOf(p).includes(direction) && matches(p.spec.podSelector, subject.labels),
  );
  if (!selecting.length) return true;
  return selecting.some((p) =>
    (direction === 'Ingress' ? p.spec.ingress : p.spec.egress)?.some((rule) => {
      // No peers (absent or empty): every source or destination.
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      return portMatches(rule, port, protocol) && (!peers?.length || peers.some((peer) => peerMatches(peer, p.metadata.namespace!, other)));
    }),
  );
}

export function canReach(policies: PolicyObject[], from: Pod, to: Pod, port: number, protocol = 'TCP'): boolean {
  return allowed(policies, 'Egress', from, to, port, protocol) && allowed(policies, 'Ingress', to, from, port, protocol);
}
