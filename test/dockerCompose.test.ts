import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { portVariableFor } from '@hub/core';

/**
 * docker-compose.yml cannot be run on the CI machine (no Docker engine), so it is kept honest by
 * reading it: every Dockerfile, copied path, port and environment variable it relies on must exist.
 */
const ROOT = resolve(__dirname, '..');

interface ComposeService {
  image?: string;
  /** Services in a profile start only on request (e.g. the reference worker). */
  profiles?: string[];
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: { test: string[] };
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);
/** The gateway and the subgraphs: built, serving, probed. */
const built = services.filter(([, service]) => service.build && !service.profiles);
/** Optional built services (profiles), e.g. the reference worker: no port, nothing probes them. */
const optional = services.filter(([, service]) => service.build && service.profiles);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'generated' || entry === 'test') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const code = ['subgraphs', 'gateway'].flatMap((dir) => sourceFiles(join(ROOT, dir))).map((file) => readFileSync(file, 'utf8')).join('\n');

describe('docker-compose.yml', () => {
  it('runs PostgreSQL 16, Redis 7 and a built image for the gateway and every subgraph of supergraph.yaml', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:16/);
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
    const supergraph = parse(readFileSync(join(ROOT, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, unknown> };
    const expected = ['gateway', ...Object.keys(supergraph.subgraphs)].sort();
    expect(built.map(([name]) => name).sort()).toEqual(expected);
  });

  it.each([...built, ...optional])('%s: its Dockerfile and every path it copies exist', (_name, service) => {
    const context = resolve(ROOT, service.build!.context);
    const dockerfile = join(context, service.build!.dockerfile);
    expect(existsSync(dockerfile)).toBe(true);
    const copies = readFileSync(dockerfile, 'utf8')
      .split('\n')
      // Copies from the build context (not from an earlier stage) must exist in the repository.
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(copies.length).toBeGreaterThan(0);
    for (const source of copies) expect([source, existsSync(join(context, source))]).toEqual([source, true]);
    const workspace = service.build!.args?.WORKSPACE ?? '';
    expect([workspace, existsSync(join(context, workspace, 'tsconfig.build.json'))]).toEqual([workspace, true]);
  });

  it.each(built)('%s: the port it serves on is its default port (supergraph.yaml, gateway 4000) and is probed on', (name, service) => {
    const routing = (parse(readFileSync(join(ROOT, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, { routing_url: string }> }).subgraphs;
    const exposed = name === 'gateway' ? '4000' : new URL(routing[name]!.routing_url).port;
    const env = service.environment ?? {};
    const configured = env.PORT ?? env[portVariableFor(name)];
    expect(configured).toBe(exposed);
    expect(service.healthcheck?.test.join(' ')).toContain(`:${exposed}/`);
    for (const mapping of service.ports ?? []) expect(mapping.split(':').pop()).toBe(exposed);
  });

  it.each([...built, ...optional])('%s: every environment variable it sets is read by the code', (serviceName, service) => {
    for (const name of Object.keys(service.environment ?? {})) {
      const readByCode =
        code.includes(`'${name}'`) ||
        (name.startsWith('SUBGRAPH_URL_') && code.includes("'SUBGRAPH_URL_'")) ||
        // the subgraph kit derives `<NAME>_PORT` from the subgraph's name
        name === portVariableFor(serviceName);
      expect([name, readByCode]).toEqual([name, true]);
    }
  });

  it('the gateway routes every subgraph to its compose service, and dependencies exist', () => {
    const gatewayEnv = compose.services.gateway!.environment ?? {};
    for (const [name] of built.filter(([serviceName]) => serviceName !== 'gateway')) {
      const key = `SUBGRAPH_URL_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
      expect(gatewayEnv[key]).toMatch(new RegExp(`^http://${name}:\\d+/graphql$`));
    }
    for (const [, service] of services) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(compose.services[dependency]).toBeDefined();
    }
  });

  it('the optional reference worker runs the agent image with its worker entry point, against the gateway', () => {
    const worker = compose.services['agent-worker']!;
    expect(worker.profiles).toEqual(['worker']);
    expect(worker.build).toEqual(compose.services.agent!.build);
    // The agent image's working directory is subgraphs/agent; dist/worker/main.js is compiled from worker/main.ts.
    expect((worker as { command?: string[] }).command).toEqual(['node', 'dist/worker/main.js']);
    expect(existsSync(join(ROOT, 'subgraphs/agent/worker/main.ts'))).toBe(true);
    expect(worker.environment?.GATEWAY_URL).toBe('http://gateway:4000/graphql');
    expect(worker.depends_on).toHaveProperty('gateway');
  });
});
