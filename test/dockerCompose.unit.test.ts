import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { IDENTITY_SUBGRAPH, portVariableFor, readLocalSubgraphEntries } from '@hub/core';
import { renderComposeFile } from '../scripts/dockerCompose/composeFile';

/**
 * docker-compose.yml cannot be run on the CI machine (no Docker engine), so it is kept honest by
 * reading it: it is what `npm run compose` generates from supergraph.yaml and the folders, every
 * service builds the one image for an existing workspace, and every port, URL and environment
 * variable it relies on matches supergraph.yaml and the code.
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
interface ComposeFile {
  services: Record<string, ComposeService>;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const services = Object.entries(compose.services);
/** The gateway and the subgraphs: built, serving, probed. */
const built = services.filter(([, service]) => service.build && !service.profiles);
/** Optional built services (profiles), e.g. the reference worker: no port, nothing probes them. */
const optional = services.filter(([, service]) => service.build && service.profiles);
const entries = readLocalSubgraphEntries(join(ROOT, 'supergraph.yaml'));
const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'generated' || entry === 'test') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const code = ['packages', 'subgraphs', 'gateway'].flatMap((dir) => sourceFiles(join(ROOT, dir))).map((file) => readFileSync(file, 'utf8')).join('\n');

/** Whether a folder is an npm workspace of the root package.json (exact or `dir/*`). */
function isWorkspace(path: string): boolean {
  return workspaces.some((pattern) => pattern === path || (pattern.endsWith('/*') && path.startsWith(pattern.slice(0, -1)) && !path.slice(pattern.length - 1).includes('/')));
}

describe('docker-compose.yml', () => {
  it('is what `npm run compose` generates from supergraph.yaml and the subgraph folders', () => {
    expect(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).toBe(renderComposeFile(entries));
  });

  it('runs PostgreSQL 16, Redis 7 and a built image for the gateway and every subgraph of supergraph.yaml', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:16/);
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
    const expected = ['gateway', ...entries.map((entry) => entry.name)].sort();
    expect(built.map(([name]) => name).sort()).toEqual(expected);
  });

  it.each([...built, ...optional])('%s: built from the one root Dockerfile for an existing workspace', (_name, service) => {
    expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { WORKSPACE: expect.any(String) } });
    const workspace = service.build!.args!.WORKSPACE!;
    expect([workspace, existsSync(join(ROOT, workspace, 'package.json')), isWorkspace(workspace)]).toEqual([workspace, true, true]);
    // The Dockerfile compiles the workspace with its own build config.
    expect([workspace, existsSync(join(ROOT, workspace, 'tsconfig.build.json'))]).toEqual([workspace, true]);
  });

  it.each(built)('%s: serves and is probed on the port supergraph.yaml assigns', (name, service) => {
    const env = service.environment ?? {};
    const expected = name === 'gateway' ? '4000' : String(entries.find((entry) => entry.name === name)!.port);
    expect(env.PORT ?? env[portVariableFor(name)]).toBe(expected);
    expect(service.healthcheck?.test.join(' ')).toContain(`:${expected}/readyz`);
    for (const mapping of service.ports ?? []) expect(mapping.split(':').pop()).toBe(expected);
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

  it('the gateway routes every subgraph to its compose service and port, and dependencies exist', () => {
    const gateway = compose.services.gateway!;
    const identity = entries.find((entry) => entry.name === IDENTITY_SUBGRAPH)!;
    expect(gateway.environment?.JWKS_URL).toBe(`http://${identity.name}:${identity.port}/.well-known/jwks.json`);
    for (const entry of entries) {
      const key = `SUBGRAPH_URL_${entry.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
      expect(gateway.environment?.[key]).toBe(`http://${entry.name}:${entry.port}/graphql`);
      expect(gateway.depends_on).toHaveProperty([entry.name]);
      if (entry.name !== IDENTITY_SUBGRAPH) expect(compose.services[entry.name]!.environment?.JWKS_URL).toBe(gateway.environment?.JWKS_URL);
    }
    for (const [, service] of services) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(compose.services[dependency]).toBeDefined();
    }
  });

  it('a subgraph folder without additions gets the whole template: image, port, database, keys, probe, routing', () => {
    const added = { name: 'field-notes', routingUrl: 'http://127.0.0.1:4099/graphql', port: 4099, schemaFile: '/nowhere/schema.graphql', folder: '/nowhere/field-notes' };
    const generated = parse(renderComposeFile([...entries, added])) as ComposeFile;
    const service = generated.services['field-notes']!;
    expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { WORKSPACE: 'subgraphs/field-notes' } });
    expect(service.environment).toMatchObject({ FIELD_NOTES_PORT: '4099', DB_APP_PASSWORD: 'change-me-field-notes-app', JWKS_URL: compose.services.gateway!.environment!.JWKS_URL });
    expect(Object.keys(service.depends_on ?? {}).sort()).toEqual([IDENTITY_SUBGRAPH, 'postgres', 'redis']);
    expect(service.healthcheck?.test.join(' ')).toContain(':4099/readyz');
    expect(generated.services.gateway!.environment?.SUBGRAPH_URL_FIELD_NOTES).toBe('http://field-notes:4099/graphql');
    expect(generated.services.gateway!.depends_on).toHaveProperty(['field-notes']);
    // Everything else stays as it is.
    for (const [name, existing] of services) expect([name, generated.services[name]]).toEqual([name, name === 'gateway' ? expect.anything() : existing]);
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
