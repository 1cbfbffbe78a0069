import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { get as httpGet, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_JWKS_PATH } from '@hub/core';
import { startTsProcess, type TestProcess } from '@hub/testkit/childProcess';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { WsConnection } from '@hub/testkit/wsSubscription';
import { createTestSigner, post, type GraphQLBody, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { serveJwks } from '@hub/testkit/gateway/jwksServer';
import { startSubscriptionFixtures, TICKS_SUBSCRIPTION, type SubscriptionFixtures, type TickData } from '@hub/testkit/gateway/subscriptionFixtures';
import { machineTime } from '@hub/testkit/machineTime';
import { eventually } from '@hub/testkit/eventually';

interface Answer {
  status: number;
  worker: string | undefined;
  body: GraphQLBody;
}

/** One request on a fresh connection, so the cluster may hand it to any worker (keep-alive would pin one). */
function postFresh(url: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = httpRequest(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, worker: response.headers['x-gateway-worker'] as string | undefined, body: JSON.parse(text) as GraphQLBody }),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** A GET on a fresh connection: the answering worker and the body. */
function getFresh(url: string): Promise<{ worker: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ worker: response.headers['x-gateway-worker'] as string | undefined, text }));
    }).on('error', reject);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface ReadyLine {
  msg?: string;
  url: string;
  worker: number;
  pid: number;
}

describe('hub-gateway --workers 2', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let jwks: { url: string; server: Server };
  let gateway: TestProcess;
  let url: string;
  let supergraphPath: string;
  const connections: WsConnection[] = [];

  /** The ready lines seen so far: worker id → pid and url. */
  const readyWorkers = () =>
    new Map(
      gateway.lines.flatMap((line) => {
        if (!line.includes('"gateway ready"')) return [];
        const ready = JSON.parse(line) as ReadyLine;
        return [[ready.worker, { pid: ready.pid, url: ready.url }] as const];
      }),
    );

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    jwks = await serveJwks(signer);
    const dir = await mkdtemp(join(tmpdir(), 'gateway-workers-'));
    supergraphPath = join(dir, 'supergraph.graphql');
    await writeFile(supergraphPath, fixtures.supergraphSdl);
    gateway = startTsProcess(
      'gateway/bin/hub-gateway.js',
      { PORT: '0', JWKS_URL: jwks.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'info', GATEWAY_RATE_LIMIT: '6', GATEWAY_RATE_LIMIT_WINDOW_SECONDS: '60' },
      ['--workers', '2', '--supergraph', supergraphPath],
    );
    await eventually(
      () => {
        if (gateway.child.exitCode !== null) throw new Error('the gateway exited');
        return readyWorkers().size >= 2;
      },
      90_000,
      'two ready workers',
    ).catch((error: Error) => {
      throw new Error(`the workers did not start (${error.message}):\n${gateway.lines.join('\n')}`);
    });
    const urls = new Set([...readyWorkers().values()].map((worker) => worker.url));
    // Both workers listen on the same port (node:cluster shares the listening socket).
    expect(urls.size).toBe(1);
    url = [...urls][0]!;
  }, machineTime(120_000));

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await gateway?.stop();
    await fixtures?.stop();
    jwks?.server.close();
  });

  it('serves queries on one port from both workers, and /metrics counts both', async () => {
    const token = await signer.token({ orgId: randomUUID() });
    const answers: Answer[] = [];
    for (let index = 0; index < 4; index += 1) {
      answers.push(await postFresh(url, { query: 'query WorkerProbe { eventsAlive }' }, { authorization: `Bearer ${token}` }));
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers.every((answer) => answer.body.errors === undefined)).toBe(true);
    expect(new Set(answers.map((answer) => answer.worker))).toEqual(new Set(['1', '2']));

    // Whichever worker answers /metrics reports the sum over both.
    for (let scrape = 0; scrape < 2; scrape += 1) {
      const text = await (await fetch(url.replace('/graphql', '/metrics'), { headers: { connection: 'close' } })).text();
      const probes = text
        .split('\n')
        .filter((line) => line.startsWith('gateway_requests_total{') && line.includes('operation="WorkerProbe"'))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
      expect(probes).toBe(4);
    }
  }, machineTime(30_000));

  it('signs subgraph calls with one key in every worker (one gateway JWKS)', async () => {
    const answers = [];
    for (let index = 0; index < 4; index += 1) answers.push(await getFresh(url.replace('/graphql', GATEWAY_JWKS_PATH)));
    expect(new Set(answers.map((answer) => answer.worker))).toEqual(new Set(['1', '2']));
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    expect((JSON.parse(answers[0]!.text) as { keys: unknown[] }).keys).toHaveLength(1);
  }, machineTime(30_000));

  it('holds a tenant to its rate limit across both workers', async () => {
    const token = await signer.token({ orgId: randomUUID() });
    const answers: Answer[] = [];
    for (let index = 0; index < 12; index += 1) {
      answers.push(await postFresh(url, { query: '{ eventsAlive }' }, { authorization: `Bearer ${token}` }));
    }
    expect(new Set(answers.map((answer) => answer.worker))).toEqual(new Set(['1', '2']));
    const served = answers.filter((answer) => answer.status === 200 && answer.body.data?.eventsAlive !== undefined);
    const limited = answers.filter((answer) => answer.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    // GATEWAY_RATE_LIMIT=6: six in all, not six per worker.
    expect(served).toHaveLength(6);
    expect(limited).toHaveLength(6);
  }, machineTime(30_000));

  it('delivers a subscription over WebSocket', async () => {
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const connection = new WsConnection(url, token);
    connections.push(connection);
    const subscription = connection.subscribe<TickData>(TICKS_SUBSCRIPTION);
    await fixtures.waitForListeners(orgId);
    const response = await post(url, { query: 'mutation { emitTick(seq: 7, itemId: "w") }' }, { authorization: `Bearer ${token}` });
    expect(response.body).toEqual({ data: { emitTick: true } });
    const result = await subscription.next(10_000);
    expect(result.data?.ticks).toEqual({ seq: 7, tenant: orgId, item: { name: 'item w', owner: { name: 'Person owner-of-w' } } });
  }, machineTime(30_000));

  it('reloads the supergraph in every worker', async () => {
    const appliedReloads = async () => {
      const text = await (await fetch(url.replace('/graphql', '/metrics'), { headers: { connection: 'close' } })).text();
      const line = text.split('\n').find((candidate) => candidate.startsWith('gateway_supergraph_reloads_total{result="applied"}'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    expect(await appliedReloads()).toBe(0);
    // Each worker watches the file; a changed source is a new generation in each.
    await appendFile(supergraphPath, '\n# reloaded by gatewayWorkers.test.ts\n');
    await eventually(async () => (await appliedReloads()) >= 2, 20_000, 'a reload applied in every worker');
    expect(await appliedReloads()).toBe(2);
  }, machineTime(30_000));

  it('replaces a killed worker', async () => {
    const before = readyWorkers();
    const victim = before.get(1)!;
    process.kill(victim.pid, 'SIGKILL');
    await eventually(() => readyWorkers().size >= 3, 60_000, 'a replacement worker').catch((error: Error) => {
      throw new Error(`${error.message}:\n${gateway.lines.slice(-10).join('\n')}`);
    });
    const replacement = readyWorkers().get(3)!;
    expect(replacement.url).toBe(url);
    expect(replacement.pid).not.toBe(victim.pid);
    const token = await signer.token({ orgId: randomUUID() });
    const workers = new Set<string | undefined>();
    for (let index = 0; index < 4; index += 1) {
      const answer = await postFresh(url, { query: '{ eventsAlive }' }, { authorization: `Bearer ${token}` });
      expect(answer.body).toEqual({ data: { eventsAlive: null } });
      workers.add(answer.worker);
    }
    expect(workers).toEqual(new Set(['2', '3']));
  }, machineTime(90_000));

  it('stops every worker on SIGTERM and exits 0', async () => {
    const pids = [...readyWorkers().values()].map((worker) => worker.pid).filter(isAlive);
    expect(pids).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));
    gateway.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
  }, machineTime(60_000));
});

describe('hub-gateway --workers 2 without REDIS_URL', () => {
  it('refuses to start, naming REDIS_URL', async () => {
    const gateway = startTsProcess('gateway/bin/hub-gateway.js', { PORT: '0', REDIS_URL: '', GATEWAY_WORKERS: '2' });
    let stderr = '';
    gateway.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => gateway.child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(1);
    expect(stderr).toContain('--workers 2 needs REDIS_URL');
    expect(gateway.lines.some((line) => line.includes('"gateway ready"'))).toBe(false);
  }, machineTime(60_000));
});
