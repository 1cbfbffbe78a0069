import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEventBus, createLogger, type EventBus } from '@hub/core';
import {
  createGateway,
  gatewayConfigFrom,
  registryDatabaseSettings,
  registryPool,
  RegistryStore,
  SchemaPublisher,
  type Gateway,
} from '@hub/gateway';
import { migrateRegistry } from '@hub/gateway/migrations';
import { operationHash } from '../gateway/src/persistedOperations/operationManifest';
import { Client, type Pool } from 'pg';
import { eventually } from '@hub/testkit/eventually';
import { postGraphQL } from '@hub/testkit/graphqlClient';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { startTestStack, type TestStack } from '@hub/testkit/testStack';
import { machineTime } from '@hub/testkit/machineTime';

const ROOT = resolve(__dirname, '..');
const PLATTFORM_SCHEMA = join(ROOT, 'subgraphs/plattform/schema.graphql');
const SCOPES_FIELD = /\n  """\n  Permission codes[^"]*"""\n  scopes: \[String!\]!\n/;
const ROLES_FIELD = /\n  roles: \[Role!\]!\n(?=  """\n  Permission codes)/;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run schema:<command>` as CI would (its own process, exit code and output). */
function schemaCli(args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    // As package.json's schema:* scripts run it: one node process with tsx's loader.
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/schemaRegistry.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, SCHEMA_AUTHOR: 'registry-test' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('schema registry: checks with client usage, publish, gateways following, rollback', () => {
  let stack: TestStack;
  let replica: { gateway: Gateway; url: string };
  let pool: Pool;
  let store: RegistryStore;
  let bus: EventBus;
  let publisher: SchemaPublisher;
  let dir: string;
  let fullSchema: string;
  let plattformUrl: string;
  let registryUrl: string;
  const schemaFile = async (name: string, sdl: string) => {
    const path = join(dir, name);
    await writeFile(path, sdl);
    return path;
  };
  const withoutScopes = () => fullSchema.replace(SCOPES_FIELD, '\n');
  const servesScopes = async (url: string) => {
    const response = await postGraphQL(url, '{ me { scopes } }');
    return !response.errors && response.data?.me === null;
  };

  beforeAll(async () => {
    const settings = registryDatabaseSettings();
    await migrateRegistry(settings);
    registryUrl = settings.appUrl;
    pool = registryPool(settings.appUrl, 3);
    store = new RegistryStore(pool);
    const logger = createLogger('registry-test');
    bus = createEventBus({ redisUrl: TEST_REDIS_URL, logger });
    publisher = new SchemaPublisher(store, bus, logger);
    dir = await mkdtemp(join(tmpdir(), 'schema-registry-'));
    fullSchema = await readFile(PLATTFORM_SCHEMA, 'utf8');
    expect(withoutScopes()).not.toBe(fullSchema);
    stack = await startTestStack({
      redisUrl: TEST_REDIS_URL,
      // Polling far beyond the test's 2 s: only the push on the bus can meet it.
      gatewayConfig: { registry: { databaseUrl: settings.appUrl, follow: true, pollMs: 60_000, fieldUsage: true, usageFlushMs: 200, usageRetentionDays: 90 } },
    });
    plattformUrl = stack.subgraphUrls.plattform!;
  }, machineTime(120_000));

  afterAll(async () => {
    await stack?.stop();
    await bus?.close();
    await pool?.end();
  });

  it('a first publish becomes the supergraph of every gateway, and a replica started later loads it', async () => {
    const published = await schemaCli(['publish', 'plattform', '--url', plattformUrl, '--schema', await schemaFile('v1.graphql', withoutScopes())]);
    expect(published.stderr).toBe('');
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/published version 1/);
    await eventually(async () => !(await servesScopes(stack.gatewayUrl)), 5000, 'the gateway to serve version 1');
    replica = await stack.startGatewayReplica();
    expect(await servesScopes(replica.url)).toBe(false);
    expect(replica.gateway.supergraph.current.sdl).toBe((await store.version(1))!.supergraphSdl);
  }, machineTime(120_000));

  it('publish: both replicas serve the new field within 2 s while queries run on, none failing', async () => {
    const gateways = [stack.gatewayUrl, replica.url];
    let running = true;
    let answered = 0;
    const failures: string[] = [];
    // Three clients per gateway, each sending its next query as soon as the last one is answered.
    const load = [...gateways, ...gateways, ...gateways].map(async (url) => {
      while (running) {
        const response = await postGraphQL(url, '{ me { user { id } } }').catch((error: unknown) => ({ status: 0, errors: [{ message: String(error) }], data: undefined }));
        if (response.status !== 200 || response.errors || response.data?.me !== null) failures.push(JSON.stringify(response));
        answered += 1;
      }
    });
    await new Promise((wait) => setTimeout(wait, 300));
    const result = await publisher.publish({ subgraph: 'plattform', sdl: fullSchema, author: 'registry-test', usage: { manifests: [], recorded: null } });
    const publishedAt = Date.now();
    expect(result.outcome).toBe('published');
    expect(result.version!.version).toBe(2);
    expect(result.report.changes.some((change) => change.level === 'safe' && change.path === 'Viewer.scopes')).toBe(true);
    const reachedAfter = await Promise.all(
      gateways.map(async (url) => {
        await eventually(() => servesScopes(url), 5000, `${url} to serve Viewer.scopes`);
        return Date.now() - publishedAt;
      }),
    );
    await new Promise((wait) => setTimeout(wait, 500));
    running = false;
    await Promise.all(load);
    console.log(`registry push: new field served after ${reachedAfter.join(' ms, ')} ms; ${answered} queries during the swap, ${failures.length} failed`);
    // Polling is 60 s here: well below it, only the push can have brought the version.
    for (const elapsed of reachedAfter) expect(elapsed).toBeLessThan(machineTime(2000, 30_000));
    expect(answered).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  }, machineTime(120_000));

  it('schema:check fails naming the operation and client that used a field the change removes', async () => {
    const used = await postGraphQL(stack.gatewayUrl, 'query ViewerScopes { me { scopes } }', {}, undefined, {
      'graphql-client-name': 'hub-web',
      'graphql-client-version': '1.4.2',
    });
    expect(used.errors).toBeUndefined();
    await eventually(
      async () => (await pool.query("SELECT 1 FROM schema_registry.field_usage WHERE coordinate = 'Viewer.scopes' AND client_name = 'hub-web'")).rowCount === 1,
      5000,
      'the usage of Viewer.scopes to be recorded',
    );
    const recorded = await pool.query<{ operation_name: string; client_version: string; count: string }>(
      "SELECT operation_name, client_version, count::text FROM schema_registry.field_usage WHERE coordinate = 'Viewer.scopes' AND client_name = 'hub-web'",
    );
    expect(recorded.rows).toEqual([{ operation_name: 'ViewerScopes', client_version: '1.4.2', count: '1' }]);

    const check = await schemaCli(['check', 'plattform', '--schema', await schemaFile('no-scopes.graphql', withoutScopes())]);
    expect(check.code).toBe(4);
    expect(check.stdout).toMatch(/BREAKING +Field 'scopes' was removed from object type 'Viewer'/);
    expect(check.stdout).toMatch(/used by operation ViewerScopes, client hub-web@1\.4\.2 \(1 executions/);
  }, machineTime(120_000));

  it('schema:check passes with a warning when the removed field was not used', async () => {
    const withoutRoles = fullSchema.replace(ROLES_FIELD, '\n');
    expect(withoutRoles).not.toBe(fullSchema);
    const noRoles = await schemaFile('no-roles.graphql', withoutRoles);
    // A persisted operation counts as use, recorded or not.
    const body = 'query MyRoles { me { roles } }';
    const manifest = await schemaFile('manifest.json', JSON.stringify({ format: 1, operations: { [operationHash(body)]: body } }));
    // Checks change nothing: both run at once.
    const [check, withManifest] = await Promise.all([
      schemaCli(['check', 'plattform', '--schema', noRoles]),
      schemaCli(['check', 'plattform', '--schema', noRoles, '--manifest', manifest]),
    ]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/BREAKING +Field 'roles' was removed from object type 'Viewer'/);
    expect(check.stdout).toMatch(/warning: breaking, but no client used it/);
    expect(withManifest.code).toBe(4);
    expect(withManifest.stdout).toMatch(/used by operation MyRoles, client manifest:manifest\.json/);
  }, machineTime(120_000));

  it('a composition error fails the check, and a failing publish changes nothing', async () => {
    const broken = await schemaFile('broken.graphql', `${fullSchema}\ntype Broken { thing: NoSuchType }\n`);
    const noScopes = await schemaFile('no-scopes-2.graphql', withoutScopes());
    const before = await store.history();
    const servedBefore = [stack.gateway.supergraph.current.sdl, replica.gateway.supergraph.current.sdl];
    // None of these may change anything, so they run at once: any of them storing a version shows below.
    const [check, refusedComposition, refusedUsage, forceWithoutReason] = await Promise.all([
      schemaCli(['check', 'plattform', '--schema', broken]),
      schemaCli(['publish', 'plattform', '--url', plattformUrl, '--schema', broken]),
      schemaCli(['publish', 'plattform', '--url', plattformUrl, '--schema', noScopes]),
      schemaCli(['publish', 'plattform', '--url', plattformUrl, '--force', '--schema', noScopes]),
    ]);
    expect(check.code).toBe(3);
    expect(check.stdout).toMatch(/composition: FAILED/);
    expect(check.stdout).toMatch(/NoSuchType/);
    expect(refusedComposition.code).toBe(3);
    expect(refusedComposition.stdout).toMatch(/publish REFUSED/);
    expect(refusedUsage.code).toBe(4);
    expect(refusedUsage.stdout).toMatch(/used by operation ViewerScopes/);
    expect(forceWithoutReason.code).toBe(2);
    // Long enough for a push to have arrived, had there been one.
    await new Promise((wait) => setTimeout(wait, 1000));
    expect(await store.history()).toEqual(before);
    expect([stack.gateway.supergraph.current.sdl, replica.gateway.supergraph.current.sdl]).toEqual(servedBefore);
    expect(await servesScopes(stack.gatewayUrl)).toBe(true);
  }, machineTime(120_000));

  it('a forced publish is recorded with its reason; rollback restores the previous supergraph on every gateway', async () => {
    const forced = await schemaCli([
      'publish', 'plattform', '--url', plattformUrl, '--schema', join(dir, 'no-scopes-2.graphql'), '--force', '--reason', 'web 1.4.2 is retired',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/published version 3 DESPITE used breaking changes/);
    const v3 = (await store.version(3))!;
    expect(v3).toMatchObject({ forced: true, forceReason: 'web 1.4.2 is retired', author: 'registry-test', subgraph: 'plattform', routingUrl: plattformUrl });
    await eventually(async () => !(await servesScopes(stack.gatewayUrl)) && !(await servesScopes(replica.url)), 2000, 'both gateways to drop Viewer.scopes');

    const rolledBack = await schemaCli(['rollback', '2']);
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toMatch(/version 4 restores the supergraph of version 2/);
    const v2 = (await store.version(2))!;
    expect((await store.version(4))!).toMatchObject({ action: 'rollback', restoredVersion: 2, supergraphSdl: v2.supergraphSdl });
    await eventually(
      () => stack.gateway.supergraph.current.sdl === v2.supergraphSdl && replica.gateway.supergraph.current.sdl === v2.supergraphSdl,
      2000,
      'both gateways to serve version 2 again',
    );
    expect(await servesScopes(stack.gatewayUrl)).toBe(true);
    expect(await servesScopes(replica.url)).toBe(true);

    // Reading history, a refused rollback and a check change nothing: they run at once.
    const [history, unknownRollback, introspected] = await Promise.all([
      schemaCli(['history']),
      schemaCli(['rollback', '99']),
      // The running subgraph's own schema (asked with _service) is what version 4 holds: nothing changes.
      schemaCli(['check', 'plattform', '--introspect', '--url', plattformUrl]),
    ]);
    expect(history.code).toBe(0);
    expect(history.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/)[0])).toEqual(['4', '3', '2', '1']);
    expect(history.stdout).toMatch(/FORCED: web 1\.4\.2 is retired/);
    expect(unknownRollback.code).toBe(2);
    expect(introspected.code).toBe(0);
    expect(introspected.stdout).toMatch(/checked against registry version 4\ncomposition: ok\nchanges: 0 breaking, 0 dangerous, 0 safe/);
    await expect(pool.query('UPDATE schema_registry.versions SET author = $1 WHERE version = 1', ['someone else'])).rejects.toThrow(/permission denied/);
    // Not even the admin connection rewrites history.
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await expect(admin.query('DELETE FROM schema_registry.versions WHERE version = 4')).rejects.toThrow(/append-only/);
    } finally {
      await admin.end();
    }
  }, machineTime(120_000));

  it('without an announcement a gateway finds a new version by polling', async () => {
    // No Redis: this gateway's bus hears no publisher, only its 300 ms poll can find the version.
    const polling = await createGateway({
      config: {
        ...gatewayConfigFrom([]),
        jwksUrl: `${stack.plattformUrl}/.well-known/jwks.json`,
        redisUrl: undefined,
        registry: { databaseUrl: registryUrl, follow: true, pollMs: 300, fieldUsage: false, usageFlushMs: 1000, usageRetentionDays: 90 },
      },
    });
    try {
      const url = `${(await polling.listen(0)).url}/graphql`;
      expect(polling.supergraph.current.sdl).toBe((await store.latest())!.supergraphSdl);
      const silent = new SchemaPublisher(store, null, createLogger('registry-test'));
      const result = await silent.publish({
        subgraph: 'plattform',
        sdl: fullSchema.replace(ROLES_FIELD, '\n'),
        author: 'registry-test',
        usage: { manifests: [], recorded: { pool, days: 30 } },
      });
      expect(result.outcome).toBe('published');
      await eventually(() => polling.supergraph.current.sdl === result.version!.supergraphSdl, 2000, 'the polling gateway to load the new version');
      expect((await postGraphQL(url, '{ me { roles } }')).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await polling.stop();
    }
  }, machineTime(120_000));
});
