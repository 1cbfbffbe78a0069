import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { Service } from 'kubernetes-models/v1/Service';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { GATEWAY, SUPERGRAPH_CONFIG_MAP, TOKEN_ISSUER_SUBGRAPH, imageFor, labelsFor, selectorFor } from '../naming.mjs';
import type { CatalogSubgraph } from '../subgraphCatalog.mjs';
import type { HubValues } from '../values.mjs';
import { CONTAINER_SECURITY, POD_SECURITY, REDIS_ENV, healthProbes, plainEnv } from './container.mjs';

/** `risk-hub` → `SUBGRAPH_URL_RISK_HUB`, the gateway's per-deployment routing override. */
export function routingVariableFor(name: string): string {
  return `SUBGRAPH_URL_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function serviceUrl(subgraph: CatalogSubgraph): string {
  return `http://${subgraph.name}:${subgraph.port}`;
}

/** Where every service fetches the token keys: the issuing subgraph's Service. */
export function jwksUrl(catalog: CatalogSubgraph[]): string {
  const issuer = catalog.find((subgraph) => subgraph.name === TOKEN_ISSUER_SUBGRAPH);
  if (!issuer) throw new Error(`supergraph.yaml has no ${TOKEN_ISSUER_SUBGRAPH} subgraph (it issues the tokens)`);
  return `${serviceUrl(issuer)}/.well-known/jwks.json`;
}

function gatewayEnv(values: HubValues, catalog: CatalogSubgraph[]): IEnvVar[] {
  const supergraph: Record<string, string> =
    values.supergraph.source === 'url'
      ? { SUPERGRAPH_URL: values.supergraph.url }
      : { SUPERGRAPH_PATH: `${SUPERGRAPH_CONFIG_MAP.mountPath}/${SUPERGRAPH_CONFIG_MAP.key}` };
  return [
    ...plainEnv({
      NODE_ENV: 'production',
      LOG_LEVEL: values.logLevel,
      PORT: String(GATEWAY.port),
      ...supergraph,
      JWKS_URL: jwksUrl(catalog),
      JWT_ISSUER: values.jwt.issuer,
      JWT_AUDIENCE: values.jwt.audience,
      ...Object.fromEntries(catalog.map((subgraph) => [routingVariableFor(subgraph.name), `${serviceUrl(subgraph)}/graphql`])),
      ...values.gateway.env,
    }),
    REDIS_ENV,
  ];
}

/**
 * The gateway: at least two replicas behind one Service, scaled on CPU, never all disrupted at
 * once. On termination the pod is first taken out of the Service, keeps serving for preStop
 * seconds (endpoints propagate), then SIGTERM closes WebSockets with 1001, ends SSE streams and
 * drains HTTP; the grace period covers all of it.
 */
export function gatewayObjects(values: HubValues, catalog: CatalogSubgraph[]): Array<Deployment | Service | HorizontalPodAutoscaler | PodDisruptionBudget> {
  const metadata = { name: GATEWAY.name, namespace: values.namespace, labels: labelsFor(GATEWAY.name, 'gateway', values) };
  const selector = selectorFor(GATEWAY.name, 'gateway');
  const configMapVolume = values.supergraph.source === 'configMap';
  const deployment = new Deployment({
    metadata,
    spec: {
      replicas: values.gateway.replicas,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: metadata.labels },
        spec: {
          securityContext: POD_SECURITY,
          terminationGracePeriodSeconds: values.gateway.terminationGracePeriodSeconds,
          containers: [
            {
              name: GATEWAY.name,
              image: imageFor(GATEWAY.name, values),
              imagePullPolicy: values.image.pullPolicy,
              ports: [{ name: 'http', containerPort: GATEWAY.port, protocol: 'TCP' }],
              env: gatewayEnv(values, catalog),
              resources: values.gateway.resources,
              securityContext: CONTAINER_SECURITY,
              ...healthProbes('http'),
              lifecycle: { preStop: { exec: { command: ['sleep', String(values.gateway.preStopSeconds)] } } },
              volumeMounts: configMapVolume ? [{ name: 'supergraph', mountPath: SUPERGRAPH_CONFIG_MAP.mountPath, readOnly: true }] : [],
            },
          ],
          volumes: configMapVolume ? [{ name: 'supergraph', configMap: { name: SUPERGRAPH_CONFIG_MAP.name } }] : [],
        },
      },
    },
  });
  const service = new Service({
    metadata,
    spec: { selector, ports: [{ name: 'http', port: GATEWAY.port, targetPort: 'http', protocol: 'TCP' }] },
  });
  const autoscaler = new HorizontalPodAutoscaler({
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: GATEWAY.name },
      minReplicas: values.gateway.autoscaling.minReplicas,
      maxReplicas: values.gateway.autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: values.gateway.autoscaling.targetCPUUtilizationPercentage } },
        },
      ],
    },
  });
  const budget = new PodDisruptionBudget({
    metadata,
    spec: { minAvailable: values.gateway.minAvailable, selector: { matchLabels: selector } },
  });
  return [deployment, service, autoscaler, budget];
}
