// A narrow entry, not the @hub/core barrel (see scripts/compose.ts).
import { IDENTITY_SUBGRAPH, portVariableFor, type SupergraphEntry } from '@hub/core/supergraphEntries';

/** The one image every service is built from (helper ops19's root Dockerfile), by workspace. */
export function buildOf(workspace: string): { context: string; dockerfile: string; args: { WORKSPACE: string } } {
  return { context: '.', dockerfile: 'Dockerfile', args: { WORKSPACE: workspace } };
}

/** Probes a service's readiness from inside its container (the images have no curl). */
export function readinessCheck(port: number): Record<string, unknown> {
  return {
    test: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
    interval: '5s',
    timeout: '3s',
    retries: 30,
  };
}

const healthy = { condition: 'service_healthy' };

/** Where the services inside the compose network reach a subgraph. */
export function composeUrlOf(entry: SupergraphEntry, path: string): string {
  return `http://${entry.name}:${entry.port}${path}`;
}

/**
 * The service template every subgraph gets in docker-compose.yml: its port from supergraph.yaml,
 * the admin connection for migrations (it serves as its restricted `<schema>_app` role), Redis,
 * and plattform's keys. A folder's compose.part.yaml adds to it.
 */
export function subgraphService(entry: SupergraphEntry, identity: SupergraphEntry): Record<string, unknown> {
  const isIdentity = entry.name === IDENTITY_SUBGRAPH;
  const environment: Record<string, string> = {
    DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/hub',
    DB_APP_PASSWORD: `change-me-${entry.name}-app`,
    REDIS_URL: 'redis://redis:6379',
    [portVariableFor(entry.name)]: String(entry.port),
    // Reached by the gateway over the compose network; only calls the gateway signed are answered.
    HOST: '0.0.0.0',
    GATEWAY_JWKS_URL: 'http://gateway:4000/.well-known/gateway-jwks.json',
    ...(isIdentity
      ? {}
      : {
          JWKS_URL: composeUrlOf(identity, '/.well-known/jwks.json'),
          // Service configs are read as plattform's read-only reader role (it has plattform's app password).
          CONFIG_DATABASE_URL: 'postgres://plattform_config_reader:change-me-plattform-app@postgres:5432/hub',
        }),
    JWT_ISSUER: 'urn:hub:plattform',
    JWT_AUDIENCE: 'urn:hub:graph',
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
  };
  return {
    build: buildOf(`subgraphs/${entry.name}`),
    environment,
    depends_on: { postgres: healthy, redis: healthy, ...(isIdentity ? {} : { [IDENTITY_SUBGRAPH]: healthy }) },
    healthcheck: readinessCheck(entry.port),
  };
}

/** `risk-hub` → `SUBGRAPH_URL_RISK_HUB`, the gateway's routing override (see gateway/src/supergraph). */
export function routingVariableFor(name: string): string {
  return `SUBGRAPH_URL_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
