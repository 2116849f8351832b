import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Namespace, Secret, Service } from 'kubernetes-models/v1';

/**
 * Checks an object against the Kubernetes API schema of a current release, as kubernetes-models embeds
 * it (types, required fields, enumerations, formats). Every kind the manifests use is listed: an object
 * of any other kind (or apiVersion: a removed one, a typo) is refused rather than passed unchecked.
 */
const MODELS = [Namespace, Secret, Service, Deployment, StatefulSet, Job, NetworkPolicy, HorizontalPodAutoscaler, PodDisruptionBudget];

export function validateManifest(object: Record<string, unknown>): void {
  const Model = MODELS.find((m) => m.apiVersion === object.apiVersion && m.kind === object.kind);
  if (!Model) throw new Error(`${String(object.apiVersion)} ${String(object.kind)}: not a kind these manifests use`);
  new Model(object as never).validate();
}
