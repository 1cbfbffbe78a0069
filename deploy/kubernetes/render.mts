import { Namespace } from 'kubernetes-models/v1/Namespace';
import { schemaProblems, type ManifestObject } from './models.mjs';
import { gatewayObjects } from './objects/gateway.mjs';
import { migrationJob } from './objects/migrationJob.mjs';
import { networkPolicies } from './objects/networkPolicies.mjs';
import { referenceWorker } from './objects/referenceWorker.mjs';
import { secrets } from './objects/secrets.mjs';
import { subgraphObjects } from './objects/subgraph.mjs';
import { supergraphConfigMap } from './objects/supergraphConfigMap.mjs';
import { referenceProblems } from './references.mjs';
import type { CatalogSubgraph } from './subgraphCatalog.mjs';
import { valueProblems, type HubValues } from './values.mjs';

/**
 * The installation in two steps: `migrations` (namespace, secrets, supergraph, network policies
 * and the release's migration Job) is applied and awaited before `graph` (the Deployments,
 * Services, autoscaler and disruption budget of the new version).
 */
export interface RenderedManifests {
  migrations: ManifestObject[];
  graph: ManifestObject[];
}

export class InvalidManifests extends Error {
  constructor(readonly problems: string[]) {
    super(`the manifests are not valid:\n  ${problems.join('\n  ')}`);
  }
}

function plain(model: { toJSON(): unknown }): ManifestObject {
  return JSON.parse(JSON.stringify(model)) as ManifestObject;
}

/** Every problem of a set of manifests: each object against its API schema, then the references between them. */
export function manifestProblems(objects: ManifestObject[]): string[] {
  return [...objects.flatMap(schemaProblems), ...referenceProblems(objects)];
}

export function renderManifests(values: HubValues, catalog: CatalogSubgraph[], supergraphSdl: string): RenderedManifests {
  const problems = valueProblems(values);
  if (problems.length > 0) throw new InvalidManifests(problems);
  const migrations = [
    new Namespace({ metadata: { name: values.namespace, labels: { 'app.kubernetes.io/part-of': 'hub-graph' } } }),
    ...secrets(values),
    ...(values.supergraph.source === 'configMap' ? [supergraphConfigMap(values, supergraphSdl)] : []),
    ...networkPolicies(values, catalog),
    migrationJob(values, catalog),
  ].map(plain);
  const graph = [
    ...catalog.flatMap((subgraph) => subgraphObjects(values, catalog, subgraph)),
    ...gatewayObjects(values, catalog),
    ...(values.referenceWorker.enabled ? [referenceWorker(values)] : []),
  ].map(plain);
  const invalid = manifestProblems([...migrations, ...graph]);
  if (invalid.length > 0) throw new InvalidManifests(invalid);
  return { migrations, graph };
}
