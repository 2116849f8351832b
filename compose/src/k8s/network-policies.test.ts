import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { globalGateway } from '@retail/topology';
import { callTargets, instanceName, type CellDescriptor } from '@retail/descriptor';
import { k8sFiles } from './files.ts';
import * as names from './names.ts';
import { canReach, type Pod, type PolicyObject } from './reachability.ts';
import { k8sSystem, type K8sSystem, type Workload } from './workloads.ts';

/** The NetworkPolicies as written into deploy/k8s (the drift test holds the committed files to these). */
const policiesOf = (files: Record<string, string>) =>
  Object.entries(files)
    .filter(([path]) => path.endsWith('network-policies.yaml'))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as PolicyObject));

const system = k8sSystem();
const policies = policiesOf(k8sFiles(system));
const podOf = (w: Workload): Pod => ({
  namespace: w.namespace,
  labels: names.labelsOf(w.name, { 'app.kubernetes.io/component': w.plan.kind }),
});
const find = (name: string) => system.workloads.find((w) => w.name === name)!;
const nats: Pod = { namespace: names.NATS_NAMESPACE, labels: names.NATS_POD_LABELS };
const monitoring: Pod = { namespace: names.MONITORING_NAMESPACE, labels: { app: 'prometheus' } };
const elsewhere: Pod = { namespace: 'default', labels: { app: 'anything' } };
const reaches = (from: Workload | Pod, to: Workload, port = to.plan.port, list = policies) =>
  canReach(list, 'plan' in from ? podOf(from) : from, podOf(to), port);
const gatewayOf = (cell: string) => find(`${cell}-gateway`);

/** May `workload` call cell `target`, by its component's descriptor? */
const declares = (workload: Workload, target: string, cells: readonly CellDescriptor[]) =>
  cells.some((c) =>
    c.components.some(
      (k) =>
        `${instanceName(c)}/${k.name}` === workload.plan.name &&
        (k.calls ?? []).some((called) => callTargets(cells, called).includes(target)),
    ),
  );

it('denies everything in and out of every namespace of the system by default', () => {
  const namespaces = [...new Set(system.workloads.map((w) => w.namespace)), names.NATS_NAMESPACE, names.namespaceOf('telemetry')];
  for (const namespace of namespaces)
    expect(policies.find((p) => p.metadata.namespace === namespace && p.metadata.name === 'default-deny')?.spec, namespace).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    });
});

it('keeps the shipping namespace from the orders core of every partition', () => {
  const cores = system.workloads.filter((w) => w.namespace.startsWith(names.namespaceOf('orders-')) && w.plan.kind === 'core');
  expect(cores.map((w) => w.name)).toEqual(['orders-1-orders', 'orders-2-orders']);
  for (const shipping of system.workloads.filter((w) => w.namespace === names.namespaceOf('shipping')))
    for (const core of cores) {
      expect(reaches(shipping, core), `${shipping.name} → ${core.name}`).toBe(false);
      expect(reaches(shipping, core, core.plan.metricsPort), `${shipping.name} → ${core.name} metrics`).toBe(false);
    }
});

it('lets gateway-global reach each cell gateway, and nothing else inside a cell', () => {
  const global = find(globalGateway.name);
  for (const w of system.workloads.filter((x) => x !== global))
    expect(reaches(global, w), `gateway-global → ${w.name}`).toBe(w.plan.kind === 'cell-gateway');
});

it('lets a component reach another cell only through that cell’s gateway, and only when its descriptor declares the call', () => {
  let declared = 0;
  for (const from of system.workloads.filter((w) => w.plan.kind !== 'global-gateway'))
    for (const to of system.workloads.filter((w) => w.namespace !== from.namespace && w.plan.kind !== 'global-gateway')) {
      const allowed = to.plan.kind === 'cell-gateway' && declares(from, to.plan.cell, system.cells);
      if (allowed) declared++;
      expect(reaches(from, to), `${from.name} → ${to.name}`).toBe(allowed);
    }
  // placement → orders-1, orders-2; each checkout → shipping and the other partition.
  expect(declared).toBe(6);
  expect(reaches(find('orders-1-checkout'), gatewayOf('shipping'))).toBe(true);
  expect(reaches(find('orders-1-orders'), gatewayOf('shipping'))).toBe(false);
  expect(reaches(find('shipping-fulfillment'), gatewayOf('orders-1'))).toBe(false);
});

it('lets every component reach its siblings and its gateway, and no pod outside the system reach any but gateway-global', () => {
  for (const from of system.workloads)
    for (const to of system.workloads.filter((w) => w !== from && w.namespace === from.namespace))
      expect(reaches(from, to), `${from.name} → ${to.name}`).toBe(true);
  for (const to of system.workloads) expect(reaches(elsewhere, to), to.name).toBe(to.plan.kind === 'global-gateway');
});

it('lets every process reach NATS on its client port, only NATS itself on its route port, only monitoring on its monitor port', () => {
  for (const w of system.workloads) {
    expect(canReach(policies, podOf(w), nats, names.NATS_PORT), w.name).toBe(true);
    expect(canReach(policies, podOf(w), nats, names.NATS_CLUSTER_PORT), w.name).toBe(false);
    expect(canReach(policies, podOf(w), nats, names.NATS_MONITOR_PORT), w.name).toBe(false);
  }
  expect(canReach(policies, nats, nats, names.NATS_CLUSTER_PORT)).toBe(true);
  expect(
    canReach(policies, { namespace: names.NATS_NAMESPACE, labels: { 'app.kubernetes.io/name': 'setup' } }, nats, names.NATS_PORT),
  ).toBe(true);
  expect(canReach(policies, monitoring, nats, names.NATS_MONITOR_PORT)).toBe(true);
  expect(canReach(policies, elsewhere, nats, names.NATS_PORT)).toBe(false);
});

it('opens the metrics ports to the monitoring namespace only', () => {
  for (const to of system.workloads) {
    expect(reaches(monitoring, to, to.plan.metricsPort), to.name).toBe(true);
    expect(reaches(monitoring, to), `${to.name} http`).toBe(to.plan.kind === 'global-gateway');
    for (const from of system.workloads) expect(reaches(from, to, to.plan.metricsPort), `${from.name} → ${to.name} metrics`).toBe(false);
  }
  // The namespace is told by the label Kubernetes sets, which nobody can set on another namespace.
  expect(JSON.stringify(policies)).toContain(`"${names.NAMESPACE_NAME_LABEL}":"${names.MONITORING_NAMESPACE}"`);
});

describe('a descriptor change that opens a path between cells', () => {
  // The shipping cell's fulfillment declares a call to the orders cell.
  const cells = system.cells.map((c) =>
    c.name === 'shipping' ? { ...c, components: c.components.map((k) => (k.name === 'fulfillment' ? { ...k, calls: ['orders'] } : k)) } : c,
  );
  const changed: K8sSystem = { ...system, cells };
  const before = k8sFiles(system);
  const after = k8sFiles(changed);

  it('shows up as a NetworkPolicy diff, and nothing else', () => {
    const differing = Object.keys(after).filter((path) => after[path] !== before[path]);
    expect(differing.sort()).toEqual([
      'base/orders-1/network-policies.yaml',
      'base/orders-2/network-policies.yaml',
      'base/shipping/network-policies.yaml',
    ]);
    expect(after['base/shipping/network-policies.yaml']).toContain('name: fulfillment-calls');
    expect(after['base/orders-1/network-policies.yaml']).toContain('app.kubernetes.io/name: shipping-fulfillment');
  });

  it('and the path is open in the changed policies, for that component only', () => {
    const list = policiesOf(after);
    expect(reaches(find('shipping-fulfillment'), gatewayOf('orders-1'), undefined, list)).toBe(true);
    expect(reaches(find('shipping-fulfillment'), find('orders-1-orders'), undefined, list)).toBe(false);
    expect(reaches(find('shipping-shipments'), gatewayOf('orders-2'), undefined, list)).toBe(false);
  });
});
