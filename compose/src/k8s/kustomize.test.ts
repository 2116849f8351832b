import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { k8sDir } from './files.ts';
import { natsUrl } from './names.ts';
import { natsNodes, natsReplicas } from '../nats-cluster.ts';
import { PROD_NATS_NODES } from './nats-values.ts';
import { DEV_REQUESTS, PROD_REPLICAS } from './overlays.ts';
import { validateManifest } from './validate.ts';
import { k8sSystem, RESOURCES, SETUP, NATS_NODES_VAR } from './workloads.ts';

/**
 * Each overlay as `kubectl kustomize` renders it: kubectl from $KUBECTL, else from PATH. CI installs
 * Debian's kubernetes-client (kubectl 1.20, kustomize v2.0.3) when there is none; a current kubectl
 * renders the same (checked by hand with both: see deploy/k8s/README.md).
 */
const KUBECTL = process.env.KUBECTL || 'kubectl';

interface Rendered {
  [field: string]: unknown;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: {
    replicas?: number;
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    template?: { spec: { containers: { name: string; image: string; env?: { name: string; value?: string }[]; resources?: unknown }[] } };
  };
}

const rendered = new Map<string, Rendered[]>();
function render(overlay: string): Rendered[] {
  if (rendered.has(overlay)) return rendered.get(overlay)!;
  let text: string;
  try {
    text = execFileSync(KUBECTL, ['kustomize', join(k8sDir, 'overlays', overlay)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    throw new Error(
      code === 'ENOENT'
        ? `${KUBECTL} not found: install kubectl (e.g. apt-get install kubernetes-client) or set KUBECTL`
        : `kubectl kustomize ${overlay}: ${stderr}`,
    );
  }
  rendered.set(
    overlay,
    parseAllDocuments(text).map((d) => d.toJS() as Rendered),
  );
  return rendered.get(overlay)!;
}

const { workloads } = k8sSystem();
const podsOf = (objects: Rendered[]) => objects.filter((o) => o.spec?.template);
const named = (objects: Rendered[], kind: string) =>
  objects
    .filter((o) => o.kind === kind)
    .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
    .sort();
const envOf = (o: Rendered) => Object.fromEntries((o.spec!.template!.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));

describe.each(['dev', 'prod'])('overlays/%s', (overlay) => {
  const objects = render(overlay);

  it('renders every object of the base, each valid against the Kubernetes API schema', () => {
    for (const w of workloads)
      expect(
        objects.some((o) => o.metadata.name === w.name && o.metadata.namespace === w.namespace),
        w.name,
      ).toBe(true);
    for (const object of objects) expect(() => validateManifest(object), `${object.kind} ${object.metadata.name}`).not.toThrow();
  });

  it('runs the image compose builds', () => {
    for (const o of podsOf(objects).filter((x) => x.metadata.name !== 'jaeger'))
      expect(o.spec!.template!.spec.containers[0]!.image, o.metadata.name).toBe('cellular-retail:local');
  });
});

it('dev: one replica of everything, one NATS server, small requests', () => {
  const objects = render('dev');
  for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet'))
    expect(o.spec!.replicas, o.metadata.name).toBe(1);
  for (const w of workloads) {
    const o = objects.find((x) => x.metadata.name === w.name && x.spec?.template)!;
    expect(o.spec!.template!.spec.containers[0]!.resources, w.name).toEqual({ requests: DEV_REQUESTS, limits: RESOURCES.limits });
    expect(envOf(o).NATS_URL).toBe(natsUrl(1));
  }
  expect(named(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  expect(named(objects, 'PodDisruptionBudget')).toEqual([]);
  expect(envOf(objects.find((o) => o.kind === 'Job' && o.metadata.name === SETUP)!)[NATS_NODES_VAR]).toBe('1');
});

it('prod: the NATS cluster for every process and every stream, autoscaling and disruption budgets for stateless composites only', () => {
  const objects = render('prod');
  for (const w of workloads) {
    const o = objects.find((x) => x.metadata.name === w.name && x.spec?.template)!;
    expect(envOf(o).NATS_URL, w.name).toBe(natsUrl(PROD_NATS_NODES));
    expect(o.spec!.replicas, w.name).toBe(w.scalable ? PROD_REPLICAS.min : 1);
  }
  expect(natsUrl(PROD_NATS_NODES).split(',')).toHaveLength(3);
  const setup = envOf(objects.find((o) => o.kind === 'Job' && o.metadata.name === SETUP)!);
  expect(setup).toMatchObject({ NATS_URL: natsUrl(PROD_NATS_NODES), [NATS_NODES_VAR]: '3' });
  // What setup.ts makes of it: every stream and bucket on the three servers.
  expect(natsReplicas(natsNodes(setup))).toBe(3);
  const scalable = workloads
    .filter((w) => w.scalable)
    .map((w) => `${w.namespace}/${w.name}`)
    .sort();
  expect(named(objects, 'HorizontalPodAutoscaler')).toEqual(scalable);
  expect(named(objects, 'PodDisruptionBudget')).toEqual(scalable);
  // Every Deployment with more than one replica has a budget; an autoscaler only ever scales a Deployment.
  expect(
    objects
      .filter((o) => o.kind === 'Deployment' && (o.spec!.replicas ?? 1) > 1)
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
      .sort(),
  ).toEqual(scalable);
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    expect(hpa.spec!.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: hpa.metadata.name });
    expect(objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === hpa.metadata.name)).toBeUndefined();
  }
});
