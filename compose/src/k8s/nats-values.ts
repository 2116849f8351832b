import type { CellDescriptor } from '@retail/descriptor';
import { natsPasswordVar, natsUsers, type NatsPermissions } from '../nats-auth.ts';
import { NATS_MONITOR_PORT, NATS_PORT, NATS_RELEASE } from './names.ts';
import { NODE_UID } from './workloads.ts';

/**
 * Values for the official NATS Helm chart (nats-io/k8s, helm/charts/nats), from the same users and
 * permissions as compose/nats/nats.conf (nats-auth.ts). A password is never a value: the config names
 * `$NATS_PASSWORD_<USER>`, which nats-server reads from its environment, which takes it from the Secret
 * NATS_SECRET. Base: one server, as the dev overlay runs; `natsProdValues` goes on top for prod.
 */
export const NATS_SECRET = 'nats-passwords';
/** The prod cluster's servers (NATS_NODES for setup, which then keeps every stream on all three). */
export const PROD_NATS_NODES = 3;

/** A permissions object without its empty lists, as nats.conf writes it. */
const permissionsOf = (permissions: NatsPermissions) =>
  Object.fromEntries(
    (['publish', 'subscribe'] as const).map((kind) => [
      kind,
      Object.fromEntries(Object.entries(permissions[kind]).filter(([, subjects]) => subjects?.length)),
    ]),
  );

const hardened = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

export function natsValues(cells: readonly CellDescriptor[]) {
  const users = natsUsers(cells);
  return {
    fullnameOverride: NATS_RELEASE,
    config: {
      cluster: { enabled: false },
      jetstream: { enabled: true, fileStore: { enabled: true, dir: '/data', pvc: { enabled: true, size: '10Gi' } } },
      nats: { port: NATS_PORT },
      monitor: { enabled: true, port: NATS_MONITOR_PORT },
      merge: {
        authorization: {
          users: users.map(({ user, permissions }) => ({
            user,
            // The chart writes `<< … >>` as it is: a variable reference, resolved from the environment.
            password: `<< $${natsPasswordVar(user)} >>`,
            ...(permissions ? { permissions: permissionsOf(permissions) } : {}),
          })),
        },
      },
    },
    container: {
      env: Object.fromEntries(
        users.map(({ user }) => [
          natsPasswordVar(user),
          { valueFrom: { secretKeyRef: { name: NATS_SECRET, key: natsPasswordVar(user) } } },
        ]),
      ),
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '1Gi' } },
      merge: { securityContext: hardened },
    },
    reloader: { merge: { securityContext: hardened } },
    podTemplate: {
      merge: {
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: NODE_UID,
            runAsGroup: NODE_UID,
            fsGroup: NODE_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      },
    },
    podDisruptionBudget: { enabled: false },
    // No nats-box: tools connect as `system` from outside (kubectl port-forward).
    natsBox: { enabled: false },
  };
}

/** On top of natsValues: a cluster of three, which one server at a time may leave. */
export const natsProdValues = () => ({
  config: { cluster: { enabled: true, replicas: PROD_NATS_NODES } },
  podDisruptionBudget: { enabled: true },
});
