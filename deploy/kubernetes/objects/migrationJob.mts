import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { SECRETS, dnsLabel, imageFor, labelsFor } from '../naming.mjs';
import type { CatalogSubgraph } from '../subgraphCatalog.mjs';
import type { HubValues } from '../values.mjs';
import { CONTAINER_SECURITY, POD_SECURITY, plainEnv, secretEnv } from './container.mjs';

export function migrationJobName(values: HubValues): string {
  return `hub-migrations-${dnsLabel(values.image.tag)}`;
}

/**
 * The release's migrations, one subgraph after the other in supergraph.yaml's order (plattform
 * first), each with its own image and the admin connection: init containers run in sequence, the
 * last subgraph is the Job's container. Named after the release, so every version runs once; it is
 * applied and awaited before the new Deployments (docs/deployment.md). Concurrent runs are safe:
 * the migrator holds an advisory lock.
 */
export function migrationJob(values: HubValues, catalog: CatalogSubgraph[]): Job {
  const containers: IContainer[] = catalog.map((subgraph) => ({
    name: `migrate-${subgraph.name}`,
    image: imageFor(subgraph.name, values),
    imagePullPolicy: values.image.pullPolicy,
    command: ['node', 'dist/src/main.js', '--migrate-only'],
    env: [
      ...plainEnv({ NODE_ENV: 'production', LOG_LEVEL: values.logLevel }),
      secretEnv('DATABASE_URL', SECRETS.database.name, SECRETS.database.adminUrl),
      secretEnv('DB_APP_PASSWORD', SECRETS.database.name, SECRETS.database.appPassword),
    ],
    resources: values.migrations.resources,
    securityContext: CONTAINER_SECURITY,
  }));
  const labels = labelsFor('migrations', 'migrations', values);
  return new Job({
    metadata: { name: migrationJobName(values), namespace: values.namespace, labels },
    spec: {
      backoffLimit: values.migrations.backoffLimit,
      activeDeadlineSeconds: values.migrations.activeDeadlineSeconds,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: POD_SECURITY,
          initContainers: containers.slice(0, -1),
          containers: containers.slice(-1),
        },
      },
    },
  });
}
