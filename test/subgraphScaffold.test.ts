import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { workspaceFolders } from '../scripts/build/workspaces';
import { createScratchCheckout, type ScratchCheckout } from '@hub/testkit/scratchCheckout';
import { TEST_DATABASE } from '@hub/testkit/testEnvironment';

/**
 * A new hub team's first step, in a scratch copy of this checkout: `npm run subgraph:new` makes a
 * working subgraph that everything else finds on its own. The copy's own tests of the new folder
 * run through the gateway.
 */
const run = promisify(execFile);
const NAME = 'field-notes';
const FOLDER = `subgraphs/${NAME}`;
const MINUTES = 60_000;

/** What the scaffolder may change besides the new folder (all generated but supergraph.yaml). */
const ALLOWED_OUTSIDE = ['supergraph.yaml', 'supergraph.graphql', 'schema/api.graphql', 'package-lock.json', 'docker-compose.yml'];

describe('npm run subgraph:new', () => {
  let scratch: ScratchCheckout;
  let scratchEnv: NodeJS.ProcessEnv;
  const inScratch = (command: string, args: string[], timeout = 5 * MINUTES) =>
    run(command, args, { cwd: scratch.root, env: scratchEnv, timeout, maxBuffer: 16 * 1024 * 1024 });

  beforeAll(async () => {
    scratch = createScratchCheckout();
    // The copy's tests get a database of their own; nothing of this run's environment leaks in.
    scratchEnv = { ...process.env, TEST_DATABASE: `${TEST_DATABASE}_scaffold`, DATABASE_URL: undefined, NODE_ENV: undefined };
    await inScratch('npm', ['run', 'subgraph:new', '--', NAME]);
  }, 10 * MINUTES);
  afterAll(() => scratch?.remove());

  const expectOnlyAllowedChanges = () => {
    const changed = scratch.changedPaths();
    expect(changed.filter((path) => !path.startsWith(`${FOLDER}/`) && !ALLOWED_OUTSIDE.includes(path))).toEqual([]);
    return changed;
  };

  it('changes only the new folder, supergraph.yaml and generated files', () => {
    const changed = expectOnlyAllowedChanges();
    expect(changed).toEqual(
      expect.arrayContaining([
        'supergraph.yaml',
        'supergraph.graphql',
        'package-lock.json',
        `${FOLDER}/package.json`,
        `${FOLDER}/tsconfig.build.json`,
        `${FOLDER}/schema.graphql`,
        `${FOLDER}/codegen.ts`,
        `${FOLDER}/README.md`,
        `${FOLDER}/src/generated/resolvers-types.ts`,
        `${FOLDER}/test/fieldNotes.test.ts`,
      ]),
    );
    expect(changed.filter((path) => /^subgraphs\/field-notes\/migrations\/\d{13}-FieldNotesItems\.ts$/.test(path))).toHaveLength(1);
    const supergraph = parse(readFileSync(join(scratch.root, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, { routing_url: string }> };
    // The next port after the highest one in use.
    expect(supergraph.subgraphs[NAME]).toEqual({ routing_url: 'http://127.0.0.1:4005/graphql', schema: { file: `./${FOLDER}/schema.graphql` } });
  });

  it('its migration turns on row-level security with the kit and its entity extends plattform’s User', () => {
    const migration = scratch.changedPaths().find((path) => path.startsWith(`${FOLDER}/migrations/`))!;
    const sql = readFileSync(join(scratch.root, migration), 'utf8');
    expect(sql).toContain("enableTenantIsolation(runner, SCHEMA, 'items')");
    expect(sql).toContain("grantToApp(runner, SCHEMA, 'items'");
    const supergraph = readFileSync(join(scratch.root, 'supergraph.graphql'), 'utf8');
    expect(supergraph).toMatch(/join__type\(graph: FIELD_NOTES, key: "id"\)/);
    expect(supergraph).toMatch(/fieldNotesItems: \[FieldNotesItem!\]! @join__field\(graph: FIELD_NOTES\)/);
  });

  it('npm run build passes with it: generated files fresh, the new folder and the dev stack type-check', async () => {
    // The part of `tsc -p tsconfig.json` that the new folder can affect (the whole graph takes minutes here).
    const configDir = mkdtempSync(join(tmpdir(), 'hub-scaffold-tsc-'));
    try {
      const config = join(configDir, 'tsconfig.json');
      const include = [`${FOLDER}/**/*.ts`, 'dev/**/*.ts', 'codegen.ts', 'scripts/**/*.ts'].map((pattern) => join(scratch.root, pattern));
      const typeRoots = [join(scratch.root, 'node_modules/@types')];
      writeFileSync(config, JSON.stringify({ extends: join(scratch.root, 'tsconfig.json'), compilerOptions: { typeRoots }, include }));
      // The three only read the checkout, so they run side by side.
      await Promise.all([
        inScratch('npm', ['run', 'codegen:check']),
        inScratch('npm', ['run', 'compose:check']),
        inScratch(join(scratch.root, 'node_modules/.bin/tsc'), ['-p', config]),
      ]);
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  }, 10 * MINUTES);

  it('npm run build compiles it: discovered as a workspace, built by build:workspaces, its compiled package finds its port', async () => {
    expect(workspaceFolders(scratch.root)).toContain(FOLDER);
    const manifest = JSON.parse(readFileSync(join(scratch.root, FOLDER, 'package.json'), 'utf8')) as { exports: unknown; scripts: Record<string, string> };
    expect(manifest.exports).toEqual({ '.': { 'hub-dist': './dist/src/index.js', default: './src/index.ts' } });
    expect(manifest.scripts['start:dist']).toBe('node --conditions=hub-dist dist/src/main.js');
    // The build's own step for this one workspace (tsc -b: @hub/core unless the checkout's build of it is
    // fresh, then the new folder), not all of them.
    await inScratch('npm', ['run', 'build:workspaces', '--', FOLDER], 8 * MINUTES);
    expect(existsSync(join(scratch.root, FOLDER, 'dist/src/main.js'))).toBe(true);
    expect(existsSync(join(scratch.root, FOLDER, 'dist/migrations'))).toBe(true);
    // As the image runs it: compiled packages (hub-dist), the port from supergraph.yaml; the image's healthcheck agrees.
    const { stdout } = await inScratch(process.execPath, [
      '--conditions=hub-dist',
      '-e',
      `const m = require('@hub/${NAME}'); console.log(JSON.stringify([require.resolve('@hub/${NAME}'), m.hubModule.settingsFromEnv().port, require('./deploy/docker/healthcheck.cjs').healthcheckPort('${FOLDER}', {})]))`,
    ]);
    const [resolved, port, healthcheckPort] = JSON.parse(stdout.trim().split('\n').pop()!) as [string, number, number];
    expect(resolved).toBe(join(scratch.root, FOLDER, 'dist/src/index.js'));
    expect([port, healthcheckPort]).toEqual([4005, 4005]);
    // dist/ and build info are ignored: still nothing changed outside the allowed paths.
    expect(expectOnlyAllowedChanges().filter((path) => path.includes('/dist/'))).toEqual([]);
  }, 10 * MINUTES);

  it('npm start runs it on its supergraph.yaml port, and the compose file has its service', async () => {
    const { stdout } = await inScratch(process.execPath, [
      '--import',
      'tsx',
      '-e',
      "console.log(JSON.stringify(require('./dev/hubSubgraphs').HUB_SUBGRAPHS.map((m) => [m.name, m.settingsFromEnv().port])))",
    ]);
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual([
      ['risk-hub', 4002],
      ['trading', 4003],
      ['agent', 4004],
      [NAME, 4005],
    ]);
    const compose = parse(readFileSync(join(scratch.root, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { build?: unknown; environment?: Record<string, string> }>;
    };
    expect(compose.services[NAME]?.build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { WORKSPACE: FOLDER } });
    expect(compose.services[NAME]?.environment?.FIELD_NOTES_PORT).toBe('4005');
    expect(compose.services.gateway?.environment?.SUBGRAPH_URL_FIELD_NOTES).toBe('http://field-notes:4005/graphql');
  }, 5 * MINUTES);

  it('npm test picks up its test, which queries its fields through the gateway and passes', async () => {
    const report = join(scratch.root, 'jest-report.json');
    // --forceExit: a failing suite that leaves its stack running must not hold this test until its timeout.
    await inScratch(join(scratch.root, 'node_modules/.bin/jest'), ['--runInBand', '--forceExit', FOLDER, '--json', `--outputFile=${report}`], 8 * MINUTES);
    const results = JSON.parse(readFileSync(report, 'utf8')) as {
      numFailedTests: number;
      numPassedTests: number;
      testResults: Array<{ name: string; assertionResults: Array<{ title: string; status: string }> }>;
    };
    expect(results.testResults.map((suite) => suite.name.slice(scratch.root.length + 1))).toEqual([`${FOLDER}/test/fieldNotes.test.ts`]);
    expect(results.testResults[0]!.assertionResults.map(({ title, status }) => [title, status])).toEqual([
      ['adds an item and reads it back, its author resolved by plattform and extended on User', 'passed'],
      ["another tenant sees none of the organization's items", 'passed'],
      ['refuses anonymous callers and malformed input with stable codes', 'passed'],
    ]);
  }, 10 * MINUTES);
});
