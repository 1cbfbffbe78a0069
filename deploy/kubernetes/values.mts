import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';

/** Requests and limits of one container, as Kubernetes writes them. */
export type Resources = Pick<IResourceRequirements, 'requests' | 'limits'>;

export interface SubgraphValues {
  replicas: number;
  resources: Resources;
  /** Extra environment (e.g. RISK_HUB_DOCUMENT_STORAGE); secrets do not belong here. */
  env: Record<string, string>;
}

/**
 * Everything an installation chooses. `npm run deploy:render -- --values <file>` merges files of
 * this shape (YAML) over the defaults below; keys not given keep their default.
 */
export interface HubValues {
  namespace: string;
  image: {
    /** Images are `<registry>/<component>:<tag>`, component = gateway or the subgraph's name. */
    registry: string;
    tag: string;
    pullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  };
  logLevel: string;
  jwt: {
    issuer: string;
    audience: string;
    /** ES256 signing key (PKCS#8 PEM) for plattform; stored in a Secret. */
    privateKey: string;
  };
  /** External PostgreSQL (no database is deployed). */
  database: {
    /** Admin connection (creates roles and schemas); only the migration Job gets it. */
    adminUrl: string;
    /** Password of the restricted `<schema>_app` roles the subgraphs serve with. */
    appPassword: string;
    /** Where PostgreSQL is, for the egress NetworkPolicy (its port comes from adminUrl). */
    egressCidrs: string[];
  };
  /** External Redis (events, token denylist, rate limits). */
  redis: {
    url: string;
    egressCidrs: string[];
  };
  supergraph: {
    /** `configMap`: the composed supergraph.graphql of this repository, hot-reloaded from a ConfigMap; `url`: polled from `url`. */
    source: 'configMap' | 'url';
    url: string;
  };
  gateway: {
    replicas: number;
    autoscaling: { minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
    /** The PodDisruptionBudget's minAvailable. */
    minAvailable: number;
    resources: Resources;
    /** Seconds the pod keeps serving after it is taken out of the Service, before SIGTERM starts the drain. */
    preStopSeconds: number;
    terminationGracePeriodSeconds: number;
    env: Record<string, string>;
  };
  /** Defaults of every subgraph; `subgraphOverrides.<name>` changes single fields for one. */
  subgraphs: SubgraphValues;
  subgraphOverrides: Record<string, Partial<SubgraphValues>>;
  migrations: { resources: Resources; backoffLimit: number; activeDeadlineSeconds: number };
  referenceWorker: {
    enabled: boolean;
    replicas: number;
    /** Client credential of a service account with agent.worker (docs/security.md, "Service accounts"). */
    clientId: string;
    clientSecret: string;
    resources: Resources;
  };
}

const small: Resources = { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } };

export const DEFAULT_VALUES: HubValues = {
  namespace: 'hub',
  image: { registry: 'registry.example.com/hub', tag: '0.1.0', pullPolicy: 'IfNotPresent' },
  logLevel: 'info',
  jwt: { issuer: 'urn:hub:plattform', audience: 'urn:hub:graph', privateKey: '' },
  database: { adminUrl: '', appPassword: '', egressCidrs: ['0.0.0.0/0'] },
  redis: { url: '', egressCidrs: ['0.0.0.0/0'] },
  supergraph: { source: 'configMap', url: '' },
  gateway: {
    replicas: 2,
    autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 },
    minAvailable: 1,
    resources: { requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    preStopSeconds: 10,
    terminationGracePeriodSeconds: 45,
    env: {},
  },
  subgraphs: { replicas: 2, resources: small, env: {} },
  subgraphOverrides: {},
  migrations: { resources: small, backoffLimit: 3, activeDeadlineSeconds: 600 },
  referenceWorker: { enabled: false, replicas: 1, clientId: '', clientSecret: '', resources: small },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `override` over `base`, objects merged key by key; arrays and scalars replaced. */
export function mergeValues<T>(base: T, override: unknown): T {
  if (!isRecord(base) || !isRecord(override)) return (override === undefined ? base : override) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = key in base ? mergeValues(base[key], value) : value;
  return merged as T;
}

/** What cannot be rendered into a working installation: missing secrets, too few gateways. */
export function valueProblems(values: HubValues): string[] {
  const problems: string[] = [];
  if (!values.jwt.privateKey.includes('PRIVATE KEY')) problems.push('jwt.privateKey: a PKCS#8 PEM signing key is required');
  if (!values.database.adminUrl.startsWith('postgres')) problems.push('database.adminUrl: a postgres:// URL is required');
  if (!values.database.appPassword) problems.push('database.appPassword is required');
  if (!values.redis.url.startsWith('redis')) problems.push('redis.url: a redis:// URL is required');
  if (values.supergraph.source === 'url' && !values.supergraph.url) problems.push('supergraph.url is required when supergraph.source is url');
  const { replicas, minAvailable, autoscaling } = values.gateway;
  if (replicas < 2 || autoscaling.minReplicas < 2) problems.push('gateway: replicas and autoscaling.minReplicas must be at least 2');
  if (minAvailable >= autoscaling.minReplicas) problems.push('gateway.minAvailable must be below autoscaling.minReplicas (else no node can be drained)');
  if (values.referenceWorker.enabled && !(values.referenceWorker.clientId && values.referenceWorker.clientSecret)) {
    problems.push('referenceWorker: clientId and clientSecret are required when it is enabled');
  }
  return problems;
}
