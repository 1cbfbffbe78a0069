import { FORCED_CLOSE_AFTER_MS, migrateOnlyRequested, portVariableFor, skipMigrationsRequested, type HubSubgraphModule } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { createAgentModule } from '@hub/agent';
import { createRiskHubModule } from '@hub/risk-hub';
import { createTradingModule } from '@hub/trading';
import { JWKS_PATH, plattformConfigFromEnv } from '@hub/plattform';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { envOf, named, REQUIRED_VALUES, renderWith, ROOT, runCli, type K8sObject } from '@hub/testkit/kubernetesManifests';
import { startTestStack, type TestStack } from '@hub/testkit/testStack';

const supergraph = parse(readFileSync(join(ROOT, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, { routing_url: string }> };
const SUBGRAPHS = Object.keys(supergraph.subgraphs);

const defaults = renderWith(REQUIRED_VALUES);
const all = (result = defaults) => [...result.migrations, ...result.graph];
const container = (object: K8sObject) => object.spec.template.spec.containers[0];

describe('Kubernetes manifests (npm run deploy:render)', () => {
  it('render with the required values only, every object valid against the Kubernetes API schemas and its references', () => {
    expect(defaults.stderr).toContain('objects)');
    expect(defaults.status).toBe(0);
    const check = runCli(['--check', join(defaults.dir, 'out', '1-migrations.yaml'), '--check', join(defaults.dir, 'out', '2-graph.yaml')]);
    expect(check.stdout).toContain(`${all().length} objects valid`);
    expect(check.status).toBe(0);
  });

  it('refuse objects the API schema refuses, naming the field', () => {
    const result = renderWith({ ...REQUIRED_VALUES, gateway: { replicas: 'two' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Deployment gateway: data/spec/replicas must be integer');
    const pullPolicy = renderWith({ ...REQUIRED_VALUES, image: { pullPolicy: 'Sometimes' } });
    expect(pullPolicy.stderr).toMatch(/Deployment plattform: .*imagePullPolicy must be equal to one of the allowed values/);
  });

  it('refuse a Secret key a pod refers to that does not exist (check of rendered files)', () => {
    const broken = all().map((object) =>
      object.kind === 'Secret' && object.metadata.name === 'hub-database'
        ? { ...object, stringData: { 'admin-url': object.stringData!['admin-url']!, 'location-url': object.stringData!['location-url']! } }
        : object,
    );
    const file = join(defaults.dir, 'broken.yaml');
    writeFileSync(file, broken.map((object) => stringify(object)).join('---\n'));
    const result = runCli(['--check', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Deployment plattform container plattform env DB_APP_PASSWORD: Secret hub-database has no key app-password');
    expect(result.stderr).toContain('Job hub-migrations-0-1-0 container migrate-plattform env DB_APP_PASSWORD: Secret hub-database has no key app-password');
  });

  it('refuse values that cannot work: missing secrets, a single gateway', () => {
    const result = renderWith({ ...REQUIRED_VALUES, database: { adminUrl: '' }, gateway: { replicas: 1 } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('database.adminUrl');
    expect(result.stderr).toContain('gateway: replicas and autoscaling.minReplicas must be at least 2');
  });

  it('one Deployment and Service per subgraph of supergraph.yaml, each a workspace with a build', () => {
    const deployments = defaults.graph.filter((object) => object.kind === 'Deployment' && object.metadata.labels?.['app.kubernetes.io/component'] === 'subgraph');
    expect(deployments.map((object) => object.metadata.name)).toEqual(SUBGRAPHS);
    for (const name of SUBGRAPHS) {
      expect(existsSync(join(ROOT, 'subgraphs', name, 'src/main.ts'))).toBe(true);
      expect(named(defaults.graph, 'Service', name).spec.ports[0].port).toBe(Number(new URL(supergraph.subgraphs[name]!.routing_url).port));
      expect(container(named(defaults.graph, 'Deployment', name)).image).toBe(`registry.example.com/hub/${name}:0.1.0`);
    }
  });

  it('the gateway: 2 replicas by default, autoscaled, disruption budget, probes, drain after preStop within the grace period', () => {
    const gateway = named(defaults.graph, 'Deployment', 'gateway');
    expect(gateway.spec.replicas).toBeGreaterThanOrEqual(2);
    const hpa = named(defaults.graph, 'HorizontalPodAutoscaler', 'gateway');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    const pdb = named(defaults.graph, 'PodDisruptionBudget', 'gateway');
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    expect(pdb.spec.selector.matchLabels).toEqual(gateway.spec.selector.matchLabels);
    const main = container(gateway);
    expect(main.readinessProbe.httpGet.path).toBe('/readyz');
    expect(main.livenessProbe.httpGet.path).toBe('/healthz');
    const preStop = Number(main.lifecycle.preStop.exec.command[1]);
    expect(main.lifecycle.preStop.exec.command[0]).toBe('sleep');
    // SIGTERM comes after preStop; the gateway then closes WebSockets (1001), ends SSE and lets
    // HTTP requests finish for at most FORCED_CLOSE_AFTER_MS: all of it inside the grace period.
    expect(gateway.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + FORCED_CLOSE_AFTER_MS / 1000);
    expect(main.resources.requests.cpu).toBeDefined();
    expect(main.resources.limits.memory).toBeDefined();
  });

  it('the supergraph from a ConfigMap mounted as a directory (hot reload), the repository’s composed supergraph', () => {
    const configMap = named(defaults.migrations, 'ConfigMap', 'hub-supergraph');
    expect(configMap.data!['supergraph.graphql']).toBe(readFileSync(join(ROOT, 'supergraph.graphql'), 'utf8'));
    const main = container(named(defaults.graph, 'Deployment', 'gateway'));
    expect(main.volumeMounts[0].subPath).toBeUndefined();
    expect(envOf(main).SUPERGRAPH_PATH).toBe(`${main.volumeMounts[0].mountPath}/supergraph.graphql`);
  });

  it('migrations: a Job of the release running every subgraph image with --migrate-only in supergraph.yaml order; serving pods skip them and never get the admin URL', () => {
    expect(migrateOnlyRequested(['node', 'main.js', '--migrate-only'])).toBe(true);
    expect(skipMigrationsRequested(['node', 'main.js', '--skip-migrations'])).toBe(true);
    const job = named(defaults.migrations, 'Job', 'hub-migrations-0-1-0');
    const steps = [...job.spec.template.spec.initContainers, ...job.spec.template.spec.containers];
    expect(steps.map((step: { name: string }) => step.name)).toEqual(SUBGRAPHS.map((name) => `migrate-${name}`));
    for (const step of steps) {
      expect(step.command).toEqual(['node', 'dist/src/main.js', '--migrate-only']);
      expect(envOf(step).DATABASE_URL).toBe('secret:hub-database/admin-url');
    }
    for (const object of all().filter((candidate) => candidate.kind === 'Deployment')) {
      expect(JSON.stringify(object)).not.toContain('admin-url');
    }
    for (const name of SUBGRAPHS) expect(container(named(defaults.graph, 'Deployment', name)).command).toContain('--skip-migrations');
  });

  it('network policies: subgraphs reachable only from the gateway (plattform also from subgraphs: token keys), PostgreSQL only from subgraphs and migrations', () => {
    const policies = defaults.migrations.filter((object) => object.kind === 'NetworkPolicy');
    expect(named(policies, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const gatewaySelector = { matchLabels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/component': 'gateway' } };
    for (const name of SUBGRAPHS) {
      const from = named(policies, 'NetworkPolicy', name).spec.ingress[0].from as Array<{ podSelector: unknown }>;
      expect(from[0]!.podSelector).toEqual(gatewaySelector);
      const others = from.slice(1).map((peer) => (peer.podSelector as { matchLabels: Record<string, string> }).matchLabels['app.kubernetes.io/name']);
      expect(others).toEqual(name === 'plattform' ? SUBGRAPHS.filter((other) => other !== 'plattform') : []);
    }
    const reachesPostgres = (policy: K8sObject) =>
      (policy.spec.egress ?? []).some((rule: { to?: Array<{ ipBlock?: unknown }>; ports: Array<{ port: number }> }) =>
        rule.ports.some((port) => port.port === 5432) && (rule.to ?? []).some((peer) => peer.ipBlock),
      );
    expect(policies.filter(reachesPostgres).map((policy) => policy.metadata.name).sort()).toEqual([...SUBGRAPHS, 'migrations'].sort());
  });

  it('render non-default values: replicas, resources, external URLs, supergraph URL, reference worker', () => {
    const resources = { requests: { cpu: '750m', memory: '1Gi' }, limits: { cpu: '3', memory: '2Gi' } };
    const result = renderWith({
      ...REQUIRED_VALUES,
      namespace: 'hub-prod',
      image: { registry: 'ghcr.io/acme', tag: '2.3.4' },
      database: { adminUrl: 'postgres://admin:p%40ss@pg.acme.internal:6543/graph', appPassword: 'prod-app', egressCidrs: ['10.20.0.0/16'] },
      redis: { url: 'rediss://cache.acme.internal:6380', egressCidrs: ['10.30.0.0/16'] },
      supergraph: { source: 'url', url: 'https://registry.acme.internal/supergraph.graphql' },
      gateway: { replicas: 4, autoscaling: { minReplicas: 4, maxReplicas: 16 }, resources, env: { GATEWAY_RATE_LIMIT: '1200' } },
      subgraphOverrides: { trading: { replicas: 5, resources } },
      referenceWorker: { enabled: true, clientId: 'sa_123', clientSecret: 'worker-secret' },
    });
    expect(result.stderr).toContain('objects)');
    const objects = all(result);
    expect(new Set(objects.filter((object) => object.kind !== 'Namespace').map((object) => object.metadata.namespace))).toEqual(new Set(['hub-prod']));
    const gateway = named(result.graph, 'Deployment', 'gateway');
    expect(gateway.spec.replicas).toBe(4);
    expect(container(gateway).resources).toEqual(resources);
    expect(container(gateway).image).toBe('ghcr.io/acme/gateway:2.3.4');
    expect(named(result.graph, 'HorizontalPodAutoscaler', 'gateway').spec).toMatchObject({ minReplicas: 4, maxReplicas: 16 });
    const gatewayEnv = envOf(container(gateway));
    expect(gatewayEnv.SUPERGRAPH_URL).toBe('https://registry.acme.internal/supergraph.graphql');
    expect(gatewayEnv.SUPERGRAPH_PATH).toBeUndefined();
    expect(gatewayEnv.GATEWAY_RATE_LIMIT).toBe('1200');
    expect(objects.some((object) => object.kind === 'ConfigMap')).toBe(false);
    expect(container(gateway).volumeMounts).toEqual([]);
    const trading = named(result.graph, 'Deployment', 'trading');
    expect(trading.spec.replicas).toBe(5);
    expect(container(trading).resources).toEqual(resources);
    expect(named(result.graph, 'Deployment', 'risk-hub').spec.replicas).toBe(2);
    const database = named(result.migrations, 'Secret', 'hub-database').stringData!;
    expect(database['admin-url']).toBe('postgres://admin:p%40ss@pg.acme.internal:6543/graph');
    expect(database['location-url']).toBe('postgres://pg.acme.internal:6543/graph');
    expect(named(result.migrations, 'Secret', 'hub-redis').stringData!.url).toBe('rediss://cache.acme.internal:6380');
    const riskHub = named(result.migrations, 'NetworkPolicy', 'risk-hub').spec.egress;
    expect(riskHub).toContainEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6543 }] });
    expect(riskHub).toContainEqual({ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6380 }] });
    const worker = named(result.graph, 'Deployment', 'reference-worker');
    expect(container(worker).command).toEqual(['node', 'dist/worker/main.js']);
    expect(container(worker).image).toBe('ghcr.io/acme/agent:2.3.4');
    expect(envOf(container(worker))).toMatchObject({ AGENT_CLIENT_ID: 'secret:hub-reference-worker/client-id', GATEWAY_URL: 'http://gateway:4000/graphql' });
    expect(named(result.migrations, 'Secret', 'hub-reference-worker').stringData).toEqual({ 'client-id': 'sa_123', 'client-secret': 'worker-secret' });
    expect(named(result.migrations, 'Job', 'hub-migrations-2-3-4').metadata.namespace).toBe('hub-prod');
  });

  it('ports are the services’ own defaults and the variables they read', () => {
    const codePorts: Record<string, number> = {
      plattform: plattformConfigFromEnv().port,
      'risk-hub': createRiskHubModule().settingsFromEnv().port,
      trading: createTradingModule().settingsFromEnv().port,
      agent: createAgentModule().settingsFromEnv().port,
    };
    expect(Object.keys(codePorts).sort()).toEqual([...SUBGRAPHS].sort());
    for (const name of SUBGRAPHS) {
      const main = container(named(defaults.graph, 'Deployment', name));
      expect([name, main.ports[0].containerPort]).toEqual([name, codePorts[name]]);
      expect(envOf(main)[portVariableFor(name)]).toBe(String(codePorts[name]));
    }
    const gateway = container(named(defaults.graph, 'Deployment', 'gateway'));
    expect(gateway.ports[0].containerPort).toBe(gatewayConfigFrom([]).port);
    expect(envOf(gateway).PORT).toBe(String(gatewayConfigFrom([]).port));
    expect(new URL(envOf(gateway).JWKS_URL!).pathname).toBe(JWKS_PATH);
  });

  describe('against the running services', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ hubs: [createRiskHubModule() as HubSubgraphModule, createTradingModule(), createAgentModule() as HubSubgraphModule] });
    }, 120_000);
    afterAll(() => stack?.stop());

    it('every probe path of every Deployment answers 200 on that service, and the JWKS path is where plattform publishes keys', async () => {
      const bases: Record<string, string> = {
        gateway: new URL(stack.gatewayUrl).origin,
        ...Object.fromEntries(Object.entries(stack.subgraphUrls).map(([name, url]) => [name, new URL(url).origin])),
      };
      const probed: string[] = [];
      for (const name of ['gateway', ...SUBGRAPHS]) {
        const main = container(named(defaults.graph, 'Deployment', name));
        for (const probe of [main.startupProbe, main.livenessProbe, main.readinessProbe]) {
          const response = await fetch(`${bases[name]}${probe.httpGet.path}`);
          expect([name, probe.httpGet.path, response.status]).toEqual([name, probe.httpGet.path, 200]);
          probed.push(`${name}${probe.httpGet.path}`);
        }
      }
      expect(probed).toHaveLength(3 * (SUBGRAPHS.length + 1));
      const jwksPath = new URL(envOf(container(named(defaults.graph, 'Deployment', 'gateway'))).JWKS_URL!).pathname;
      const jwks = (await (await fetch(`${bases.plattform}${jwksPath}`)).json()) as { keys: unknown[] };
      expect(jwks.keys.length).toBeGreaterThan(0);
    }, 60_000);
  });
});
