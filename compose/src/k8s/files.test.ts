import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { natsPasswordVar, natsUserNames, natsUsers } from '../nats-auth.ts';
import { k8sDir, k8sFiles } from './files.ts';
import { validateManifest } from './validate.ts';
import { k8sSystem } from './workloads.ts';

const generated = k8sFiles();
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
const committed = Object.fromEntries(
  ['base', 'overlays', 'nats']
    .flatMap((folder) => filesUnder(join(k8sDir, folder)))
    .map((path) => [relative(k8sDir, path), readFileSync(path, 'utf8')]),
);
const docsOf = (text: string) => parseAllDocuments(text).map((d) => d.toJS()) as Record<string, unknown>[];

it('is what the generator makes from the descriptors (run `npm run generate:k8s` after changing a cell)', () => {
  expect(Object.keys(committed).sort()).toEqual(Object.keys(generated).sort());
  for (const [path, text] of Object.entries(generated)) expect(committed[path], path).toBe(text);
});

it('checks every object of the base against the Kubernetes API schema', () => {
  const objects = Object.entries(generated)
    .filter(([path]) => path.startsWith('base/') && path !== 'base/kustomization.yaml')
    .flatMap(([, text]) => docsOf(text));
  expect(objects.length).toBeGreaterThan(100);
  for (const object of objects)
    expect(() => validateManifest(object), JSON.stringify((object as { metadata: unknown }).metadata)).not.toThrow();
});

it('refuses an object the API would refuse, and a kind it does not know', () => {
  const [deployment] = docsOf(generated['base/products/workloads.yaml']!).filter((o) => o.kind === 'Deployment');
  expect(() => validateManifest({ ...deployment!, spec: { ...(deployment!.spec as object), replicas: 'two' } })).toThrow(
    /replicas must be integer/,
  );
  expect(() => validateManifest({ ...deployment!, spec: { ...(deployment!.spec as object), selector: undefined } })).toThrow(/selector/);
  const [policy] = docsOf(generated['base/products/network-policies.yaml']!);
  expect(() => validateManifest({ ...policy!, spec: { podSelector: {}, policyTypes: 'Ingress' } })).toThrow(/policyTypes must be array/);
  expect(() => validateManifest({ ...deployment!, apiVersion: 'extensions/v1beta1' })).toThrow(/not a kind/);
});

const objects = Object.entries(generated)
  .filter(([path]) => path.startsWith('base/') && path !== 'base/kustomization.yaml')
  .flatMap(([, text]) => docsOf(text)) as {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}[];
type PodTemplate = {
  spec: {
    automountServiceAccountToken?: boolean;
    securityContext?: Record<string, unknown>;
    containers: {
      name: string;
      env?: { name: string; value?: string }[];
      securityContext?: Record<string, unknown>;
      resources?: unknown;
      readinessProbe?: unknown;
      livenessProbe?: unknown;
    }[];
    volumes?: { name: string; secret?: { secretName: string; items?: { key: string }[] } }[];
  };
};
const templates = objects
  .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
  .map((o) => ({ object: o, template: o.spec!.template as PodTemplate }));

it('runs every pod as a non-root user, read-only, without capabilities or a service-account token, with requests and limits', () => {
  expect(templates.length).toBeGreaterThan(15);
  for (const { object, template } of templates) {
    const where = `${object.metadata.namespace}/${object.metadata.name}`;
    expect(template.spec.automountServiceAccountToken, where).toBe(false);
    expect(template.spec.securityContext, where).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(template.spec.securityContext!.runAsUser, where).toBeGreaterThan(0);
    for (const container of template.spec.containers) {
      expect(container.securityContext, where).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources, where).toMatchObject({
        requests: { cpu: expect.any(String), memory: expect.any(String) },
        limits: { memory: expect.any(String) },
      });
    }
  }
});

it('makes each SQLite owner a StatefulSet of one replica with a volume claim, everything else a Deployment', () => {
  const { workloads } = k8sSystem();
  for (const w of workloads) {
    const object = objects.find((o) => o.metadata.name === w.name && o.metadata.namespace === w.namespace && o.kind !== 'Service');
    expect(object?.kind, w.name).toBe(w.datastore ? 'StatefulSet' : 'Deployment');
    if (w.datastore) expect(object!.spec).toMatchObject({ replicas: 1, volumeClaimTemplates: [{ metadata: { name: 'data' } }] });
    // Probes on the kernel's endpoints.
    const container = (object!.spec!.template as PodTemplate).spec.containers[0]!;
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz' } });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz' } });
  }
  expect(workloads.filter((w) => w.scalable).map((w) => w.name)).toEqual([
    'inventory-allocation',
    'orders-1-checkout',
    'orders-2-checkout',
    'shipping-fulfillment',
  ]);
});

it('gives no secret as a value: each is a file of the process’s own Secret, named by <VAR>_FILE', () => {
  const { workloads } = k8sSystem();
  for (const w of workloads) {
    const { template } = templates.find((t) => t.object.metadata.name === w.name && t.object.metadata.namespace === w.namespace)!;
    const env = Object.fromEntries(template.spec.containers[0]!.env!.map((e) => [e.name, e.value]));
    for (const variable of Object.keys(w.secrets)) {
      expect(env[variable], `${w.name}: ${variable}`).toBeUndefined();
      expect(env[`${variable}_FILE`], `${w.name}: ${variable}`).toBe(`/secrets/${variable}`);
    }
    const volume = template.spec.volumes!.find((v) => v.name === 'secrets')!;
    // Not optional: without its Secret (or a key of it) the pod does not start, and its events name what is missing.
    expect(volume.secret).toMatchObject({ secretName: w.name });
    expect(volume.secret).not.toHaveProperty('optional');
    expect(volume.secret!.items!.map((i) => i.key).sort()).toEqual(Object.keys(w.secrets).sort());
  }
  // Not even the development defaults the plan fills in.
  const values = workloads.flatMap((w) =>
    Object.keys(w.secrets)
      .map((name) => w.plan.env[name])
      .filter(Boolean),
  );
  expect(values.length).toBeGreaterThan(10);
  for (const [path, text] of Object.entries(generated)) {
    for (const value of values) expect(text, path).not.toContain(value);
    expect(text, path).not.toMatch(/-nats-dev|-workload-dev|-dev-secret/);
  }
});

it('gives the NATS chart every user of nats.conf with the same permissions, each password from the Secret', () => {
  const values = docsOf(generated['nats/values.yaml']!)[0] as {
    config: {
      jetstream: unknown;
      cluster: unknown;
      merge: { authorization: { users: { user: string; password: string; permissions?: unknown }[] } };
    };
    container: { env: Record<string, { valueFrom: { secretKeyRef: { name: string; key: string } } }> };
  };
  const { cells } = k8sSystem();
  expect(values.config.jetstream).toMatchObject({ enabled: true, fileStore: { enabled: true, pvc: { enabled: true } } });
  expect(values.config.cluster).toEqual({ enabled: false });
  const users = values.config.merge.authorization.users;
  expect(users.map((u) => u.user)).toEqual(natsUserNames(cells));
  for (const spec of natsUsers(cells)) {
    const user = users.find((u) => u.user === spec.user)!;
    expect(user.password).toBe(`<< $${natsPasswordVar(spec.user)} >>`);
    if (spec.permissions) {
      expect(user.permissions).toMatchObject({
        publish: { allow: spec.permissions.publish.allow },
        subscribe: { allow: spec.permissions.subscribe.allow },
      });
    } else expect(user.permissions).toBeUndefined();
    expect(values.container.env[natsPasswordVar(spec.user)]).toEqual({
      valueFrom: { secretKeyRef: { name: 'nats-passwords', key: natsPasswordVar(spec.user) } },
    });
  }
  expect(docsOf(generated['nats/values-prod.yaml']!)[0]).toMatchObject({ config: { cluster: { enabled: true, replicas: 3 } } });
});
