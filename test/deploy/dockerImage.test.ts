import { createAgentModule } from '@hub/agent';
import { listen, useHealthEndpoints, type RunningServer } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { plattformConfigFromEnv } from '@hub/plattform';
import { createRiskHubModule } from '@hub/risk-hub';
import { createTradingModule } from '@hub/trading';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createYoga, createSchema } from 'graphql-yoga';
import { parse } from 'yaml';
import { assignments, parseDockerfile } from '../../deploy/docker/dockerfile';
import { ROOT } from '../support/kubernetesManifests';

/**
 * There is no Docker engine on the CI machine: the Dockerfile is read here (the structure every
 * image relies on), and `npm run docker:rehearse` executes its steps for real (README, Deployment).
 */
const dockerfile = parseDockerfile(join(ROOT, 'Dockerfile'));
const [build, runtime] = dockerfile.stages;
const supergraph = parse(readFileSync(join(ROOT, 'supergraph.yaml'), 'utf8')) as { subgraphs: Record<string, { routing_url: string }> };
const WORKSPACES = ['gateway', ...Object.keys(supergraph.subgraphs).map((name) => `subgraphs/${name}`)];
const instructions = (stage: typeof build, keyword: string) => stage!.instructions.filter((instruction) => instruction.keyword === keyword);

describe('Dockerfile (one image per WORKSPACE)', () => {
  it('two stages from the node image, both taking the WORKSPACE build argument', () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    const nodeImage = assignments(dockerfile.globalArgs[0]!);
    expect(nodeImage[0]![0]).toBe('NODE_IMAGE');
    expect(nodeImage[0]![1]).toMatch(/^node:\d+-bookworm-slim$/);
    for (const stage of dockerfile.stages) {
      expect(stage.image).toBe('${NODE_IMAGE}');
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

  it.each(WORKSPACES)('%s: a build config and the entry point the CMD runs once compiled; its package resolves to dist/ under hub-dist', (workspace) => {
    expect(existsSync(join(ROOT, workspace, 'tsconfig.build.json'))).toBe(true);
    expect(existsSync(join(ROOT, workspace, 'src/main.ts'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(manifest.exports['.']).toEqual({ 'hub-dist': './dist/src/index.js', default: './src/index.ts' });
  });

  it('both stages copy every workspace package.json first (npm ci checks them against the lock file)', () => {
    const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    for (const stage of [build, runtime]) {
      const copied = instructions(stage, 'COPY').flatMap((instruction) => instruction.args.slice(0, -1));
      for (const workspace of workspaces) expect([stage!.name, copied.includes(`${workspace}/package.json`)]).toEqual([stage!.name, true]);
    }
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
    const defaults = new Function(`return ${/DEFAULT_PORTS = (\{[^}]*\})/.exec(readFileSync(script, 'utf8'))![1]}`)() as Record<string, number>;
    expect(defaults).toEqual({
      gateway: gatewayConfigFrom([]).port,
      plattform: plattformConfigFromEnv().port,
      'risk-hub': createRiskHubModule().settingsFromEnv().port,
      trading: createTradingModule().settingsFromEnv().port,
      agent: createAgentModule().settingsFromEnv().port,
    });
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
