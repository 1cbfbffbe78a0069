import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { portVariableFor } from '@hub/core';
import { HUB_SUBGRAPHS } from '../dev/hubSubgraphs';
import { postGraphQL } from './support/graphqlClient';

/** `npm start` as a new user runs it: no DATABASE_URL, no REDIS_URL, an empty data directory. */
const ROOT = resolve(__dirname, '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

interface RunningStack {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
}

async function startStack(env: NodeJS.ProcessEnv): Promise<RunningStack> {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['dev/start.ts'], { cwd: ROOT, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`dev stack did not come up:\n${output}`)), 90_000);
    const check = setInterval(() => {
      if (output.includes('Hub graph is up')) {
        clearTimeout(timer);
        clearInterval(check);
        done();
      }
    }, 100);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(check);
      fail(new Error(`dev stack exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

async function stopStack(stack: RunningStack): Promise<number | null> {
  return new Promise((done) => {
    stack.child.removeAllListeners('exit');
    stack.child.once('exit', (code) => done(code));
    stack.child.kill('SIGINT');
  });
}

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

describe('npm start (one-command dev stack)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let gatewayUrl: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hub-dev-stack-'));
    // The embedded server runs as the `postgres` OS user when started by root: it must reach the directory.
    await chmod(dataDir, 0o755);
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
    env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), PLATTFORM_PORT: String(await freePort()), DEV_PG_PORT: String(await freePort()), LOG_LEVEL: 'info' };
    // Every registered hub on a free port too, so the test never collides with a running stack.
    for (const hub of HUB_SUBGRAPHS) env[portVariableFor(hub.name)] = String(await freePort());
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('starts from an empty data directory, answers the demo login, stops cleanly, and reuses the data', async () => {
    const first = await startStack(env);
    try {
      expect(first.output()).toContain(gatewayUrl);
      expect(first.output()).toContain('demo tenant ACME Corp: created');
      expect(first.output()).toContain('trading demo data: created');
      const login = await postGraphQL<{ login: { accessToken: string } }>(gatewayUrl, LOGIN, {
        e: 'demo@acme.example',
        p: 'acme-demo-password',
      });
      expect(login.errors).toBeUndefined();
      const me = await postGraphQL<{ me: { organization: { name: string } } }>(
        gatewayUrl,
        '{ me { organization { name } } }',
        {},
        login.data!.login.accessToken,
      );
      expect(me.data?.me.organization.name).toBe('ACME Corp');
    } finally {
      expect(await stopStack(first)).toBe(0);
    }

    const second = await startStack(env);
    try {
      expect(second.output()).toContain('demo tenant ACME Corp: existing');
      expect(second.output()).toContain('trading demo data: existing');
      expect(second.output()).not.toContain('initialising embedded PostgreSQL');
      const login = await postGraphQL(gatewayUrl, LOGIN, { e: 'demo@acme.example', p: 'acme-demo-password' });
      expect(login.errors).toBeUndefined();
    } finally {
      expect(await stopStack(second)).toBe(0);
    }
  }, 240_000);
});
