import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { Service } from 'kubernetes-models/v1/Service';
import { GATEWAY, JWT_MOUNT_PATH, SECRETS, TOKEN_ISSUER_SUBGRAPH, imageFor, labelsFor, selectorFor } from '../naming.mjs';
import type { CatalogSubgraph } from '../subgraphCatalog.mjs';
import { mergeValues, type HubValues, type SubgraphValues } from '../values.mjs';
import { CONTAINER_SECURITY, POD_SECURITY, REDIS_ENV, healthProbes, plainEnv, secretEnv } from './container.mjs';
import { jwksUrl } from './gateway.mjs';

/** `risk-hub` → `RISK_HUB_PORT` (the subgraph kit's naming). */
export function portVariableFor(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PORT`;
}

export function subgraphValues(values: HubValues, name: string): SubgraphValues {
  return mergeValues(values.subgraphs, values.subgraphOverrides[name] ?? {});
}

/**
 * What every subgraph container connects with: the database location without credentials plus
 * the app roles' password (it derives `<schema>_app`), Redis, and the token settings.
 */
export function subgraphEnv(values: HubValues, catalog: CatalogSubgraph[], subgraph: CatalogSubgraph): IEnvVar[] {
  const issuer = subgraph.name === TOKEN_ISSUER_SUBGRAPH;
  return [
    ...plainEnv({
      NODE_ENV: 'production',
      LOG_LEVEL: values.logLevel,
      [portVariableFor(subgraph.name)]: String(subgraph.port),
      JWT_ISSUER: values.jwt.issuer,
      JWT_AUDIENCE: values.jwt.audience,
      ...(issuer ? { JWT_PRIVATE_KEY_FILE: `${JWT_MOUNT_PATH}/${SECRETS.jwt.privateKey}` } : { JWKS_URL: jwksUrl(catalog) }),
      // Subgraphs that ask the graph on a caller's behalf (agent: task subjects) do it through the gateway.
      GATEWAY_URL: `http://${GATEWAY.name}:${GATEWAY.port}/graphql`,
      ...subgraphValues(values, subgraph.name).env,
    }),
    secretEnv('DATABASE_URL', SECRETS.database.name, SECRETS.database.locationUrl),
    secretEnv('DB_APP_PASSWORD', SECRETS.database.name, SECRETS.database.appPassword),
    REDIS_ENV,
  ];
}

/** One Deployment and Service per subgraph; it serves without migrating (the migration Job did). */
export function subgraphObjects(values: HubValues, catalog: CatalogSubgraph[], subgraph: CatalogSubgraph): Array<Deployment | Service> {
  const settings = subgraphValues(values, subgraph.name);
  const metadata = { name: subgraph.name, namespace: values.namespace, labels: labelsFor(subgraph.name, 'subgraph', values) };
  const selector = selectorFor(subgraph.name, 'subgraph');
  const issuer = subgraph.name === TOKEN_ISSUER_SUBGRAPH;
  const deployment = new Deployment({
    metadata,
    spec: {
      replicas: settings.replicas,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: metadata.labels },
        spec: {
          securityContext: POD_SECURITY,
          containers: [
            {
              name: subgraph.name,
              image: imageFor(subgraph.name, values),
              imagePullPolicy: values.image.pullPolicy,
              command: ['node', 'dist/src/main.js', '--skip-migrations'],
              ports: [{ name: 'http', containerPort: subgraph.port, protocol: 'TCP' }],
              env: subgraphEnv(values, catalog, subgraph),
              resources: settings.resources,
              securityContext: CONTAINER_SECURITY,
              ...healthProbes('http'),
              volumeMounts: issuer ? [{ name: 'jwt', mountPath: JWT_MOUNT_PATH, readOnly: true }] : [],
            },
          ],
          volumes: issuer ? [{ name: 'jwt', secret: { secretName: SECRETS.jwt.name, items: [{ key: SECRETS.jwt.privateKey, path: SECRETS.jwt.privateKey }] } }] : [],
        },
      },
    },
  });
  const service = new Service({
    metadata,
    spec: { selector, ports: [{ name: 'http', port: subgraph.port, targetPort: 'http', protocol: 'TCP' }] },
  });
  return [deployment, service];
}
