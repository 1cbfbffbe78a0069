import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';

/** A rendered object: apiVersion, kind, metadata and the rest, as YAML carries it. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

type ModelClass = new (data: never) => { validate(): void; toJSON(): unknown };

/** Every kind the deployment consists of, by `apiVersion/kind`, with its Kubernetes API schema. */
const MODELS: Record<string, ModelClass> = Object.fromEntries(
  [Deployment, HorizontalPodAutoscaler, Job, NetworkPolicy, PodDisruptionBudget, ConfigMap, Namespace, Secret, Service].map((model) => [
    `${model.apiVersion}/${model.kind}`,
    model as unknown as ModelClass,
  ]),
);

/** Problems of one object against the Kubernetes API schema of its kind (empty when valid). */
export function schemaProblems(object: ManifestObject): string[] {
  const what = `${object.kind} ${object.metadata?.name ?? '(no name)'}`;
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`${what}: ${object.apiVersion}/${object.kind} is not a kind this deployment uses`];
  const { apiVersion: _apiVersion, kind: _kind, ...data } = object;
  try {
    new Model(data as never).validate();
    return [];
  } catch (error) {
    return [`${what}: ${error instanceof Error ? error.message : String(error)}`];
  }
}
