import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigClient,
  configReaderUrlFromEnv,
  createEventBus,
  createLogger,
  databaseSettings,
  envInt,
  envString,
  provideGatewayKeyPairForThisRun,
  type HubSubgraphModule,
} from '@hub/core';
import { createAgentModule, type AgentServices } from '@hub/agent';
import { runConfigCommand } from '../../subgraphs/plattform/src/operator/configCommand';
import { subscribeSse } from '@hub/testkit/sseSubscription';
import { signUpAccount, startTestStack, type TestAccount, type TestStack } from '@hub/testkit/testStack';
import { setAgentConfig } from '../../subgraphs/agent/test/support/agentConfig';
import { serviceAccountToken } from '@hub/testkit/serviceAccounts';
import { exitAfter, freshBenchDatabase } from '../support/benchDatabase';

/**
 * Agent task queue figures, loopback only, bounded in time:
 * 1. throughput: 4 workers claim and complete tasks through the gateway (claims/s);
 * 2. progress-event latency: from sending `reportProgress` (through the gateway) to a subscriber of
 *    `agentTaskUpdates` at the gateway (SSE) receiving the event.
 * The bench tenant gets a rate limit that fits it the way a real tenant would: an operator raises
 * the organization's ceiling (operator command) and the tenant's owner sets its own limit up to
 * it (setConfig); the gateway follows plattform's configs as deployed.
 */
const TASKS = envInt('BENCH_AGENT_TASKS', 400);
const WORKERS = 4;
const SAMPLES = envInt('BENCH_AGENT_SAMPLES', 300);
const LATENCY_TASKS = 20;
const PROGRESS_PER_SECOND = 20;
const TIME_LIMIT_MS = envInt('BENCH_AGENT_TIME_LIMIT_MS', 300_000);
const SERVER = envString('BENCH_PG_SERVER_URL', 'postgres://postgres@127.0.0.1:5432');
const DATABASE = 'hub_bench_agent';
const REDIS_URL = envString('BENCH_REDIS_URL', 'redis://127.0.0.1:6379');
/** The bench tenant's rate limit (requests per minute): above what 4 workers send back to back. */
const RATE_LIMIT = { limit: envInt('BENCH_AGENT_RATE_LIMIT', 60_000), windowSeconds: 60 };
const SET_CONFIG = `mutation($input: SetConfigInput!) { setConfig(input: $input) { version } }`;

const CLAIM = `mutation($agentId: ID!) { claimAgentTask(agentId: $agentId, types: ["report.compile"]) { leaseToken task { id } } }`;
const COMPLETE = `mutation($taskId: ID!, $leaseToken: ID!, $result: JSON!) { completeTask(taskId: $taskId, leaseToken: $leaseToken, result: $result) { id } }`;
const PROGRESS = `mutation($taskId: ID!, $leaseToken: ID!, $progress: Float!) { reportProgress(taskId: $taskId, leaseToken: $leaseToken, progress: $progress) { id } }`;
const REGISTER = `mutation($name: String!) { registerAgent(input: { name: $name, type: "bench", capabilities: ["report.compile"] }) { id } }`;
const RESULT = { markdown: '# bench', counts: { info: 0, warning: 0, critical: 0 } };

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function describe(name: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(
    `${name}: n=${sorted.length} p50=${percentile(sorted, 50).toFixed(2)} ms p99=${percentile(sorted, 99).toFixed(2)} ms max=${sorted.at(-1)!.toFixed(2)} ms`,
  );
}

/**
 * The operator raises the organization's ceiling, then the owner sets the tenant's own limit to
 * it through the gateway; resolves once the gateway's config reader has both.
 */
async function grantRateLimit(stack: TestStack, owner: TestAccount, reader: ConfigClient): Promise<void> {
  const value = JSON.stringify(RATE_LIMIT);
  const errors: string[] = [];
  const code = await runConfigCommand(['set', 'gateway', 'rateLimitCeiling', value, '--org', owner.orgId, '--reason', 'bench:agent'], {
    database: databaseSettings('plattform'),
    defaultOperator: 'bench-agent',
    output: { out: () => undefined, err: (line) => errors.push(line) },
  });
  if (code !== 0) throw new Error(`operator command failed: ${errors.join(' ')}`);
  const own = await stack.query(SET_CONFIG, { input: { service: 'gateway', key: 'rateLimit', value: RATE_LIMIT, reason: 'bench:agent' } }, owner.token);
  if (own.errors) throw new Error(`setConfig failed: ${JSON.stringify(own.errors)}`);
  const deadline = Date.now() + 15_000;
  const applied = (key: string) => (reader.get('gateway', key, owner.orgId) as { limit?: number } | undefined)?.limit === RATE_LIMIT.limit;
  while (!applied('rateLimitCeiling') || !applied('rateLimit')) {
    if (Date.now() > deadline) throw new Error('the gateway did not apply the bench tenant\'s rate limit within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main(): Promise<void> {
  exitAfter('bench:agent', TIME_LIMIT_MS);

  const databaseUrl = await freshBenchDatabase(SERVER, DATABASE);
  const dataDir = join(tmpdir(), `hub-bench-agent-${process.pid}`);
  // The gateway signs its calls to the subgraphs; they (and child processes) share this run's key pair.
  provideGatewayKeyPairForThisRun();
  Object.assign(process.env, { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent' });

  const logger = createLogger('bench');
  const bus = createEventBus({ redisUrl: REDIS_URL, logger });
  const configReader = new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus: bus, logger, services: ['gateway'] });
  const stack = await startTestStack({ hubs: [createAgentModule() as HubSubgraphModule], redisUrl: REDIS_URL, gateway: { configReader } });
  await configReader.start();
  const agent = stack.hubs.agent!;
  const services = agent.services as AgentServices;
  try {
    const tenant = await signUpAccount(stack, 'Bench Agents');
    await grantRateLimit(stack, tenant, configReader);
    // The workers' token: a service account's, exchanged at the gateway like a real worker's.
    const token = await serviceAccountToken(stack, tenant);
    const call = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
      const response = await stack.query<T>(query, variables, token);
      if (response.errors || !response.data) throw new Error(JSON.stringify(response.errors));
      return response.data;
    };
    const register = async (name: string) => (await call<{ registerAgent: { id: string } }>(REGISTER, { name })).registerAgent.id;
    const enqueue = (count: number) =>
      agent.database.run({ orgId: tenant.orgId, userId: tenant.userId }, async (unit) => {
        for (let i = 0; i < count; i += 1) {
          await services.tasks.create(unit, {
            type: 'report.compile',
            input: { title: `bench ${i}`, findings: [] },
            subject: null,
            requestedBy: tenant.userId,
          });
        }
      });

    // 1. Throughput.
    await enqueue(TASKS);
    const agents = await Promise.all(Array.from({ length: WORKERS }, (_, i) => register(`bench-worker-${i}`)));
    const claimLatency: number[] = [];
    const startedAt = performance.now();
    let claims = 0;
    await Promise.all(
      agents.map(async (agentId) => {
        for (;;) {
          const before = performance.now();
          const { claimAgentTask: lease } = await call<{ claimAgentTask: { leaseToken: string; task: { id: string } } | null }>(CLAIM, { agentId });
          if (!lease) return;
          claimLatency.push(performance.now() - before);
          claims += 1;
          await call(COMPLETE, { taskId: lease.task.id, leaseToken: lease.leaseToken, result: RESULT });
        }
      }),
    );
    const seconds = (performance.now() - startedAt) / 1000;
    console.log(
      `agent queue: ${WORKERS} workers, ${TASKS} tasks, each claimed and completed through the gateway (PostgreSQL + Redis on loopback, 2 shared cores); tenant rate limit ${RATE_LIMIT.limit} per ${RATE_LIMIT.windowSeconds} s (operator ceiling + setConfig)`,
    );
    console.log(`throughput: ${claims} claims in ${seconds.toFixed(2)} s = ${(claims / seconds).toFixed(1)} claims/s (claim + complete per task)`);
    describe('claimAgentTask round trip through the gateway', claimLatency);

    // 2. Progress-event latency to a subscriber.
    await setAgentConfig(stack, tenant, 'progressUpdatesPerSecond', PROGRESS_PER_SECOND);
    await enqueue(LATENCY_TASKS);
    const reporter = await register('bench-reporter');
    const leases: Array<{ taskId: string; leaseToken: string; lastSentAt: number }> = [];
    for (let i = 0; i < LATENCY_TASKS; i += 1) {
      const { claimAgentTask: lease } = await call<{ claimAgentTask: { leaseToken: string; task: { id: string } } }>(CLAIM, { agentId: reporter });
      leases.push({ taskId: lease.task.id, leaseToken: lease.leaseToken, lastSentAt: 0 });
    }
    const subscriber = await subscribeSse<{ agentTaskUpdates: { type: string; taskId: string; progress: number } }>(
      stack.gatewayUrl,
      'subscription { agentTaskUpdates { type taskId progress } }',
      {},
      tenant.token,
    );
    const latency: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample += 1) {
      const lease = leases[sample % leases.length]!;
      // Keep each task under the coalescing rate, so this measures delivery, not deliberate delay.
      const wait = lease.lastSentAt + 1000 / PROGRESS_PER_SECOND + 5 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const progress = Math.round(((Math.floor(sample / leases.length) + 1) / (SAMPLES / leases.length + 1)) * 10_000) / 10_000;
      const sentAt = performance.now();
      lease.lastSentAt = sentAt;
      await call(PROGRESS, { taskId: lease.taskId, leaseToken: lease.leaseToken, progress });
      for (;;) {
        const event = (await subscriber.next(5000)).data?.agentTaskUpdates;
        if (event?.type === 'PROGRESS' && event.taskId === lease.taskId && event.progress === progress) break;
      }
      latency.push(performance.now() - sentAt);
    }
    subscriber.close();
    console.log(
      `progress events: ${SAMPLES} reportProgress calls over ${LATENCY_TASKS} tasks, coalescing at ${PROGRESS_PER_SECOND}/s per task (reports spaced to stay under it)`,
    );
    describe('reportProgress sent (gateway) -> event at a subscriber of the gateway (outbox, Redis, gateway SSE)', latency);
    const sorted = [...latency].sort((a, b) => a - b);
    console.log(`agent progress p50: ${percentile(sorted, 50).toFixed(1)} ms, p99: ${percentile(sorted, 99).toFixed(1)} ms (goal: p99 < 50 ms)`);
  } finally {
    await stack.stop();
    await configReader.stop();
    await bus.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
