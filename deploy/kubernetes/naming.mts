import type { HubValues } from './values.mjs';

/** Secret and ConfigMap names and their keys: one place, so references and definitions agree. */
export const SECRETS = {
  jwt: { name: 'hub-jwt', privateKey: 'private-key.pem' },
  database: { name: 'hub-database', adminUrl: 'admin-url', locationUrl: 'location-url', appPassword: 'app-password' },
  redis: { name: 'hub-redis', url: 'url' },
  worker: { name: 'hub-reference-worker', clientId: 'client-id', clientSecret: 'client-secret' },
} as const;

export const SUPERGRAPH_CONFIG_MAP = { name: 'hub-supergraph', key: 'supergraph.graphql', mountPath: '/etc/hub/supergraph' } as const;

/** Where plattform reads its signing key (a Secret volume). */
export const JWT_MOUNT_PATH = '/etc/hub/jwt';

/** The subgraph that issues tokens and publishes their keys (JWKS) to everyone else. */
export const TOKEN_ISSUER_SUBGRAPH = 'plattform';

export const GATEWAY = { name: 'gateway', port: 4000 } as const;

export type Component = 'gateway' | 'subgraph' | 'migrations' | 'reference-worker';

export function labelsFor(name: string, component: Component, values: HubValues): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'hub-graph',
    'app.kubernetes.io/version': values.image.tag,
  };
}

/** What a Deployment's selector and a NetworkPolicy match on (no version: it changes with every release). */
export function selectorFor(name: string, component: Component): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component };
}

export function imageFor(component: string, values: HubValues): string {
  return `${values.image.registry}/${component}:${values.image.tag}`;
}

/** `0.1.0+build.7` → `0-1-0-build-7`: a release in an object name (DNS label). */
export function dnsLabel(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
}
