import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import { SECRETS } from '../naming.mjs';

/** Plain environment entries, in a stable order. */
export function plainEnv(env: Record<string, string>): IEnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

export function secretEnv(name: string, secret: string, key: string): IEnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

export const REDIS_ENV = secretEnv('REDIS_URL', SECRETS.redis.name, SECRETS.redis.url);

/** The images run as the node image's `node` user (uid 1000); nothing more is granted. */
export const POD_SECURITY: IPodSecurityContext = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 };

export const CONTAINER_SECURITY: IContainer['securityContext'] = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

/** Liveness on /healthz (the process answers), readiness on /readyz (its dependencies answer). */
export function healthProbes(portName: string): Pick<IContainer, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> {
  return {
    startupProbe: { httpGet: { path: '/healthz', port: portName }, periodSeconds: 2, failureThreshold: 60 },
    livenessProbe: { httpGet: { path: '/healthz', port: portName }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/readyz', port: portName }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
  };
}
