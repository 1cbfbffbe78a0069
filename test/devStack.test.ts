import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { portVariableFor } from '@hub/core';
import { HUB_SUBGRAPHS } from '../dev/hubSubgraphs';
import { timePasses } from '@hub/testkit/deliberateWait';
import { readUntil } from '@hub/testkit/eventually';
import { postGraphQL } from '@hub/testkit/graphqlClient';
import { machineTime } from '@hub/testkit/machineTime';
import { portIsFree, unusedPort } from '@hub/testkit/unusedPort';

/** `npm start` as a new user runs it: no DATABASE_URL, no REDIS_URL, an empty data directory. */
const ROOT = resolve(__dirname, '..');

interface RunningStack {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
}

/** Whether something listens on the port (127.0.0.1). */
const portTaken = async (port: string | undefined): Promise<boolean> => !(await portIsFree(Number(port)));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startStack(env: NodeJS.ProcessEnv, viaNpm = false): Promise<RunningStack> {
  // The command of `npm start`, in a process group of its own as a terminal gives a command:
  // Ctrl-C signals the whole group. Or `npm start` itself, to signal npm alone.
  const child = viaNpm
    ? spawn('npm', ['start', '--silent'], { cwd: ROOT, env, detached: true })
    : spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], { cwd: ROOT, env, detached: true });
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

/** Ctrl-C: SIGINT to every process of the stack's group (tsx, node, and whatever they spawned). */
async function stopStack(stack: RunningStack): Promise<number | null> {
  return new Promise((done) => {
    stack.child.removeAllListeners('exit');
    stack.child.once('exit', (code) => done(code));
    process.kill(-stack.child.pid!, 'SIGINT');
  });
}

async function outputContains(stack: RunningStack, text: string): Promise<void> {
  const output = await readUntil(() => stack.output(), (seen) => seen.includes(text), 30_000);
  if (!output.includes(text)) throw new Error(`"${text}" did not appear:\n${output}`);
}

interface DemoTask {
  type: string;
  status: string;
  progress: number;
  agent: { name: string } | null;
}

/** The demo tenant's agent tasks, once the reference worker has finished all of them. */
async function settledTasks(gatewayUrl: string, token: string): Promise<DemoTask[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await postGraphQL<{ agentTasks: DemoTask[] }>(gatewayUrl, '{ agentTasks { type status progress agent { name } } }', {}, token);
    const tasks = answer.data?.agentTasks ?? [];
    if (tasks.length >= 4 && tasks.every((task) => task.status === 'SUCCEEDED')) return tasks;
    if (Date.now() > deadline) throw new Error(`demo tasks did not finish: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';

describe('npm start (one-command dev stack)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let gatewayUrl: string;
  let dashboardPort: number;
  // The second start, `npm start` itself, shared by two tests: a start is the costly part, and the
  // first of them only reads. Set while it runs.
  let second: RunningStack | undefined;
  let secondExit: Promise<number | null>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hub-dev-stack-'));
    // The embedded server runs as the `postgres` OS user when started by root: it must reach the directory.
    await chmod(dataDir, 0o755);
    const port = await unusedPort();
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
    dashboardPort = await unusedPort();
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      PLATTFORM_PORT: String(await unusedPort()),
      DEV_PG_PORT: String(await unusedPort()),
      DASHBOARD_PORT: String(dashboardPort),
      LOG_LEVEL: 'info',
      // The demo slows the worker down for people watching; the test need not wait.
      AGENT_WORKER_STEP_DELAY_MS: '20',
    };
    // Every registered hub on a free port too, so the test never collides with a running stack.
    for (const hub of HUB_SUBGRAPHS) env[portVariableFor(hub.name)] = String(await unusedPort());
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
  });
  afterAll(async () => {
    // A shared stack whose stopping test did not get to stop it.
    if (second && second.child.exitCode === null && second.child.signalCode === null) await stopStack(second);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts from an empty data directory, answers the demo login, runs the worker, and stops cleanly on Ctrl-C', async () => {
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

      // The dashboard is served on its own port, told where the gateway is, and offers the demo login.
      expect(first.output()).toContain(`Dashboard: http://localhost:${dashboardPort}`);
      const page = await fetch(`http://127.0.0.1:${dashboardPort}/`);
      expect(await page.text()).toContain('<title>Hub dashboard</title>');
      const dashboardConfig = (await (await fetch(`http://127.0.0.1:${dashboardPort}/config.json`)).json()) as { graphqlUrl: string; demo: { email: string } };
      expect(dashboardConfig).toMatchObject({ graphqlUrl: gatewayUrl, demo: { email: 'demo@acme.example' } });
      // GraphiQL opens signed in as the demo user (its assets come with the page, no CDN).
      const graphiql = await (await fetch(gatewayUrl, { headers: { accept: 'text/html' } })).text();
      expect(graphiql).toContain('<title>Hub graph · GraphiQL</title>');
      expect(graphiql).toMatch(/Bearer ey/);

      // The reference worker runs as the demo tenant's service account and works off the demo tasks:
      // the seeded report, a review pipeline (risk review, then its report) and a portfolio review.
      // The worker starts after the banner.
      await outputContains(first, 'reference worker started');
      expect(first.output()).toContain('agent demo work: queued a review pipeline and a portfolio review');
      const tasks = await settledTasks(gatewayUrl, login.data!.login.accessToken);
      expect(tasks.map((task) => task.type).sort()).toEqual(['portfolio.review', 'report.compile', 'report.compile', 'risk.review']);
      for (const task of tasks) expect(task).toMatchObject({ progress: 1, agent: { name: 'demo-reference-worker' } });
      const accounts = await postGraphQL<{ serviceAccounts: Array<{ name: string; status: string; scopes: string[] }> }>(
        gatewayUrl,
        '{ serviceAccounts { name status scopes } }',
        {},
        login.data!.login.accessToken,
      );
      expect(accounts.data?.serviceAccounts).toEqual([
        { name: 'demo-reference-worker', status: 'ACTIVE', scopes: ['agent.worker', 'risk.assessment.read', 'trading.portfolio.read'] },
      ]);
    } finally {
      expect(await stopStack(first)).toBe(0);
    }
    // Stopped in order: no service saw the database go away under it.
    expect(first.output()).not.toMatch(/"level":50/);
    expect(first.output()).not.toContain('shutting down');
  }, machineTime(180_000));

  it('started again (npm start), reuses the data: same demo tenant, database and worker credential', async () => {
    second = await startStack(env, true);
    const stack = second;
    secondExit = new Promise<number | null>((done) => {
      stack.child.removeAllListeners('exit');
      stack.child.once('exit', (code) => done(code));
    });
    expect(stack.output()).toContain('demo tenant ACME Corp: existing');
    expect(stack.output()).toContain('trading demo data: existing');
    expect(stack.output()).not.toContain('initialising embedded PostgreSQL');
    // The kept credential still works: no new secret, no new demo work.
    await outputContains(stack, 'reference worker started');
    expect(stack.output()).toMatch(/"status":"existing","msg":"demo worker service account ready"/);
    expect(stack.output()).toContain('agent demo work: existing');
    const login = await postGraphQL(gatewayUrl, LOGIN, { e: 'demo@acme.example', p: 'acme-demo-password' });
    expect(login.errors).toBeUndefined();
  }, machineTime(180_000));

  it('stops everything on SIGTERM sent to npm alone: exit 0, a "stopped" line, no process left, ports free; quiet while idle', async () => {
    if (!second) throw new Error('the stack of the previous test did not start');
    const stack = second;
    let idleOutput: string;
    try {
      // The reference worker polls every second while idle; that is not logged line by line.
      const login = await postGraphQL<{ login: { accessToken: string } }>(gatewayUrl, LOGIN, { e: 'demo@acme.example', p: 'acme-demo-password' });
      await settledTasks(gatewayUrl, login.data!.login.accessToken);
      await timePasses(1000, 'the lines of the last finished task reach the output');
      const idleFrom = stack.output().length;
      await timePasses(3000, 'an idle stack (the worker polls every second) writes nothing in 3 s');
      idleOutput = stack.output().slice(idleFrom);
    } finally {
      // Only npm's own pid, not its group: as a process manager or `kill <pid>` would do.
      process.kill(stack.child.pid!, 'SIGTERM');
    }
    const code = await secondExit;
    second = undefined;
    expect(code).toBe(0);
    expect(idleOutput).toBe('');
    const lines = stack.output().trim().split('\n');
    expect(lines.at(-1)).toMatch(/"msg":"stopped"/);
    // npm execs node, so npm's pid was the stack's: nothing of it runs on.
    expect(isAlive(stack.child.pid!)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    const ports = [env.PORT, env.PLATTFORM_PORT, env.DEV_PG_PORT, ...HUB_SUBGRAPHS.map((hub) => env[portVariableFor(hub.name)])];
    for (const port of ports) expect({ port, taken: await portTaken(port) }).toEqual({ port, taken: false });
  }, machineTime(120_000));

  it('a port in use is one line naming the port and its variable; what had started is stopped', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(Number(env.PLATTFORM_PORT), '127.0.0.1', done));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], { cwd: ROOT, env, detached: true });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
      expect(code).toBe(1);
      expect(output).toContain(`dev stack: port ${env.PLATTFORM_PORT} is in use (set PLATTFORM_PORT to a free port`);
      expect(output).not.toMatch(/\n\s+at /);
      expect(output.trim().split('\n').at(-1)).toMatch(/"msg":"stopped"/);
      // The embedded PostgreSQL it had started is stopped again.
      expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
      expect(await portTaken(env.DEV_PG_PORT)).toBe(false);
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  }, machineTime(180_000));
});
