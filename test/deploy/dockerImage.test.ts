import { listen, portVariableFor, useHealthEndpoints, type RunningServer } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { plattformConfigFromEnv } from '@hub/plattform';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createYoga, createSchema } from 'graphql-yoga';
import { parse } from 'yaml';
import { assignments, parseDockerfile } from '../../deploy/docker/dockerfile';
import { HUB_SUBGRAPHS } from '../../dev/hubSubgraphs';
import { workspaceFolders } from '../../scripts/build/workspaces';
import { ROOT } from '@hub/testkit/kubernetesManifests';

/**
 * There is no Docker engine on the CI machine: the Dockerfile is read here (the structure every
 * image relies on), and `npm run docker:rehearse` executes its steps for real (docs/deployment.md).
 */
const dockerfile = parseDockerfile(join(ROOT, 'Dockerfile'));
const [manifests, build, runtime] = dockerfile.stages;
const supergraph = parse(readFileSync(join(ROOT, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, { routing_url: string }> };
/** The services (each an image): the gateway and every subgraph of supergraph.yaml. */
const WORKSPACES = ['gateway', ...Object.keys(supergraph.subgraphs).map((name) => `subgraphs/${name}`)];
/** Every npm workspace (the services, @hub/runtime and @hub/core), as npm and `npm run build:workspaces` find them. */
const PACKAGES = workspaceFolders(ROOT);
/** The root package.json's workspace globs (`packages/*`, `subgraphs/*`, `gateway`) and the folders they start from. */
const WORKSPACE_GLOBS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
const WORKSPACE_ROOTS = WORKSPACE_GLOBS.map((glob) => glob.replace(/\/\*$/, ''));
const instructions = (stage: typeof build, keyword: string) => stage!.instructions.filter((instruction) => instruction.keyword === keyword);

describe('Dockerfile (one image per WORKSPACE)', () => {
  it('three stages from the node image, the last two taking the WORKSPACE build argument', () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(['manifests', 'build', 'runtime']);
    const nodeImage = assignments(dockerfile.globalArgs[0]!);
    expect(nodeImage[0]![0]).toBe('NODE_IMAGE');
    expect(nodeImage[0]![1]).toMatch(/^node:\d+-bookworm-slim$/);
    for (const stage of dockerfile.stages) expect(stage.image).toBe('${NODE_IMAGE}');
    for (const stage of [build!, runtime!]) {
      expect(instructions(stage, 'ARG').flatMap(assignments).map(([name]) => name)).toContain('WORKSPACE');
    }
  });

  it('the build stage installs everything and compiles the workspace with its references', () => {
    const runs = instructions(build, 'RUN').map((instruction) => instruction.text);
    expect(runs[0]).toMatch(/^npm ci\b/);
    expect(runs.some((run) => run.includes('npx tsc -b "$WORKSPACE/tsconfig.build.json"'))).toBe(true);
  });

  it('the runtime stage: production dependencies of the workspace only, the compiled code, no tsx, a non-root user', () => {
    const runs = instructions(runtime, 'RUN').map((instruction) => instruction.text);
    expect(runs.some((run) => /npm ci --omit=dev .*--workspace "\$WORKSPACE"/.test(run))).toBe(true);
    expect(JSON.stringify(runtime!.instructions)).not.toContain('tsx');
    const users = instructions(runtime, 'USER').map((instruction) => instruction.args[0]);
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)$/);
    expect(instructions(runtime, 'CMD')[0]!.args).toEqual(['node', 'dist/src/main.js']);
    expect(instructions(runtime, 'WORKDIR').pop()!.args).toEqual(['/app/${WORKSPACE}']);
    const env = Object.fromEntries(instructions(runtime, 'ENV').flatMap(assignments));
    expect(env.NODE_ENV).toBe('production');
    expect(env.NODE_OPTIONS).toContain('--conditions=hub-dist');
  });

  it('no workspace is named: the workspace folders are copied whole, both installs take every package.json from them', () => {
    const copied = (stage: typeof build) => instructions(stage, 'COPY').filter((instruction) => !instruction.flags.from).flatMap((instruction) => instruction.args.slice(0, -1));
    for (const stage of [manifests, build]) for (const folder of WORKSPACE_ROOTS) expect([stage!.name, copied(stage).includes(folder)]).toEqual([stage!.name, true]);
    // What is left of the folders in the manifests stage: every package.json (npm ci checks them against the lock file).
    const keep = instructions(manifests, 'RUN').map((instruction) => instruction.text).join('\n');
    expect(keep).toContain(`find ${WORKSPACE_ROOTS.join(' ')} -type f ! -name package.json -delete`);
    // The runtime takes what `tsc -b` compiled, found under the same folders.
    const staging = instructions(build, 'RUN').find((instruction) => instruction.text.includes('stage-runtime.sh'))!.text;
    const [command, out, ...folders] = staging.split(/\s+/).slice(1);
    expect([command, out]).toEqual(['deploy/docker/stage-runtime.sh', 'out']);
    expect(folders.sort()).toEqual([...WORKSPACE_GLOBS].sort());
    for (const stage of [build, runtime]) {
      const fromManifests = instructions(stage, 'COPY').filter((instruction) => instruction.flags.from === 'manifests');
      expect([stage!.name, fromManifests.map((instruction) => instruction.args)]).toEqual([stage!.name, [['/app/', './']]]);
      expect(copied(stage).filter((source) => source.includes('package.json') && source !== 'package.json')).toEqual([]);
    }
    const everyPath = dockerfile.stages.flatMap((stage) => stage.instructions.map((instruction) => instruction.text)).join('\n');
    for (const workspace of PACKAGES.filter((folder) => !WORKSPACE_ROOTS.includes(folder))) expect([workspace, everyPath.includes(workspace)]).toEqual([workspace, false]);
  });

  it('the runtime image has supergraph.yaml at /app, where a compiled subgraph looks for its port (above its code)', () => {
    const fromBuild = instructions(runtime, 'COPY').filter((instruction) => instruction.flags.from === 'build');
    const toApp = fromBuild.filter((instruction) => instruction.args[instruction.args.length - 1] === './').flatMap((instruction) => instruction.args.slice(0, -1));
    expect(toApp).toContain('/app/supergraph.yaml');
    expect(instructions(runtime, 'WORKDIR').map((instruction) => instruction.args[0])[0]).toBe('/app');
  });

  it('every service, @hub/runtime and @hub/core: an npm workspace with a build config (what `npm run build:workspaces` compiles) and the hub-dist exports', () => {
    expect(PACKAGES).toEqual(expect.arrayContaining([...WORKSPACES, 'packages/runtime', 'subgraphs/core']));
    for (const workspace of [...WORKSPACES, 'packages/runtime', 'subgraphs/core']) {
      expect([workspace, existsSync(join(ROOT, workspace, 'tsconfig.build.json'))]).toEqual([workspace, true]);
      const manifest = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
      expect([workspace, manifest.exports['.']]).toEqual([workspace, { 'hub-dist': './dist/src/index.js', default: './src/index.ts' }]);
    }
    const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // `npm run build` runs its steps side by side (run-p); compiling the workspaces is one of them.
    const buildSteps = (rootManifest.scripts.build ?? '').split(/\s+/);
    expect(buildSteps[0]).toBe('run-p');
    expect(buildSteps).toContain('build:workspaces');
  });

  it('the gateway image installs @hub/runtime and neither @hub/core nor TypeORM nor reflect-metadata (a subgraph image does)', () => {
    // What `npm ci --omit=dev --workspace <folder>` installs in the runtime stage.
    const production = (workspace: string) =>
      execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable', '--workspace', workspace], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    const kit = (path: string) => /[\\/]node_modules[\\/](typeorm|reflect-metadata|@hub[\\/]core)$/.test(path);
    const gateway = production('gateway');
    expect(gateway.filter((path) => path.endsWith(join('@hub', 'runtime')))).toHaveLength(1);
    expect(gateway.filter(kit)).toEqual([]);
    expect(production('subgraphs/plattform').filter(kit).length).toBeGreaterThanOrEqual(3);
  });

  it.each(WORKSPACES)('%s: the entry point the CMD runs once compiled and a start:dist script', (workspace) => {
    expect(existsSync(join(ROOT, workspace, 'src/main.ts'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts['start:dist']).toBe('node --conditions=hub-dist dist/src/main.js');
  });

  it('the reference worker: the agent image, compiled from worker/main.ts', () => {
    expect(existsSync(join(ROOT, 'subgraphs/agent/worker/main.ts'))).toBe(true);
    const build = readFileSync(join(ROOT, 'subgraphs/agent/tsconfig.build.json'), 'utf8');
    expect(build).toContain('"worker/**/*.ts"');
  });

  it('HEALTHCHECK: /healthz on the port each service reads, defaulting to the port in the code', async () => {
    const healthcheck = instructions(runtime, 'HEALTHCHECK')[0]!;
    expect(healthcheck.text).toContain('CMD ["node", "/app/healthcheck.cjs"]');
    const script = join(ROOT, 'deploy/docker/healthcheck.cjs');
    const { healthcheckPort } = require(script) as { healthcheckPort: (workspace: string, env: NodeJS.ProcessEnv) => number };
    // Each service's own port resolution (supergraph.yaml or its variable) against the healthcheck's.
    const servicePorts: Record<string, () => number> = {
      gateway: () => gatewayConfigFrom([]).port,
      'subgraphs/plattform': () => plattformConfigFromEnv().port,
      ...Object.fromEntries(HUB_SUBGRAPHS.map((module) => [`subgraphs/${module.name}`, () => module.settingsFromEnv().port])),
    };
    expect(Object.keys(servicePorts).sort()).toEqual([...WORKSPACES].sort());
    for (const workspace of WORKSPACES) {
      const variable = workspace === 'gateway' ? 'PORT' : portVariableFor(workspace.split('/').pop()!);
      const saved = process.env[variable];
      try {
        delete process.env[variable];
        expect([workspace, healthcheckPort(workspace, {})]).toEqual([workspace, servicePorts[workspace]!()]);
        process.env[variable] = '47999';
        expect([workspace, healthcheckPort(workspace, { [variable]: '47999' })]).toEqual([workspace, servicePorts[workspace]!()]);
      } finally {
        if (saved === undefined) delete process.env[variable];
        else process.env[variable] = saved;
      }
    }
    expect(() => healthcheckPort('subgraphs/not-in-supergraph', {})).toThrow(/not in supergraph.yaml/);
    const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }), plugins: [useHealthEndpoints({})] });
    const server: RunningServer = await listen(yoga, 0, '127.0.0.1');
    // Asynchronously: the server answering the check runs in this process.
    const check = (env: Record<string, string>) =>
      new Promise<number | null>((done) => spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env } }).once('exit', done));
    try {
      expect(await check({ WORKSPACE: 'subgraphs/risk-hub', RISK_HUB_PORT: String(server.port) })).toBe(0);
      expect(await check({ WORKSPACE: 'gateway', PORT: String(server.port) })).toBe(0);
    } finally {
      await server.close();
    }
    expect(await check({ WORKSPACE: 'subgraphs/risk-hub', RISK_HUB_PORT: String(server.port) })).toBe(1);
  });
});
