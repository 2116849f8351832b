import { expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { natsPasswordVar, natsUser, SYSTEM_NATS_USER } from '../nats-auth.ts';
import { k8sFiles } from './files.ts';
import { secretManifests } from './secrets.ts';
import { validateManifest } from './validate.ts';
import { k8sSystem } from './workloads.ts';

const system = k8sSystem();
const secrets = secretManifests(system, {});
const dataOf = (name: string, namespace: string) =>
  (secrets.find((s) => s.metadata.name === name && s.metadata.namespace === namespace)?.stringData ?? {}) as Record<string, string>;
const find = (name: string) => system.workloads.find((w) => w.name === name)!;

it('makes every Secret the manifests and the NATS values name, with every key they read, and no other', () => {
  const referenced = new Set<string>();
  const files = k8sFiles(system);
  for (const [path, text] of Object.entries(files))
    for (const doc of parseAllDocuments(text)) {
      const json = JSON.stringify(doc.toJS());
      const namespace = /"namespace":"([^"]+)"/.exec(json)?.[1] ?? 'retail-nats';
      if (path.startsWith('overlays/')) continue;
      for (const [, name] of json.matchAll(/"secretName":"([^"]+)"/g)) referenced.add(`${namespace}/${name}`);
      for (const [, name, key] of json.matchAll(/"secretKeyRef":\{"name":"([^"]+)","key":"([^"]+)"\}/g)) {
        referenced.add(`${namespace}/${name}`);
        expect(Object.keys(dataOf(name!, namespace)), `${namespace}/${name}`).toContain(key);
      }
    }
  expect([...referenced].sort()).toEqual(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort());
  for (const w of system.workloads) expect(Object.keys(dataOf(w.name, w.namespace)).sort(), w.name).toEqual(Object.keys(w.secrets).sort());
  for (const secret of secrets) expect(() => validateManifest(secret)).not.toThrow();
});

it('gives both ends of each credential the same value, and each NATS user the password nats-server checks', () => {
  const checkout = dataOf('orders-2-checkout', 'retail-orders-2');
  expect(checkout.WORKLOAD_SECRET).toBe(dataOf('orders-2-gateway', 'retail-orders-2').WORKLOAD_SECRET_CHECKOUT);
  expect(checkout.CLIENT_SECRET).toBe(dataOf('gateway-global', 'retail-edge').CLIENT_SECRET_ORDERS_2);
  expect(checkout.WORKLOAD_SECRET).not.toBe(dataOf('orders-1-checkout', 'retail-orders-1').WORKLOAD_SECRET);
  const nats = dataOf('nats-passwords', 'retail-nats');
  for (const w of system.workloads)
    expect(dataOf(w.name, w.namespace).NATS_PASS, w.name).toBe(nats[natsPasswordVar(w.plan.env.NATS_USER!)]);
  expect(nats[natsPasswordVar(natsUser('orders-1'))]).not.toBe(nats[natsPasswordVar(natsUser('orders-2'))]);
  expect(dataOf('setup', 'retail-nats')).toEqual({ [natsPasswordVar(SYSTEM_NATS_USER)]: nats[natsPasswordVar(SYSTEM_NATS_USER)] });
  expect(find('gateway-global').secrets.ADMIN_PASSWORD).toBe('ADMIN_PASSWORD');
});

it('takes a secret set in the environment, generates the others anew each time, and refuses a NATS password nats-server would misread', () => {
  const provided = secretManifests(system, { ADMIN_PASSWORD: 'operator-chosen-password' });
  expect(provided.find((s) => s.metadata.name === 'gateway-global')!.stringData).toMatchObject({
    ADMIN_PASSWORD: 'operator-chosen-password',
  });
  expect(dataOf('gateway-global', 'retail-edge').ADMIN_PASSWORD).toMatch(/^s[A-Za-z0-9_-]{40}$/);
  expect(secretManifests(system, {})[0]!.stringData).not.toEqual(secrets[0]!.stringData);
  expect(() => secretManifests(system, { [natsPasswordVar('products')]: 'yes' })).toThrow(/NATS_PASSWORD_PRODUCTS/);
});
