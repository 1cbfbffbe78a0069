import { fork, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolve } from 'node:path';
import { monitorEventLoopDelay, performance as nodePerformance } from 'node:perf_hooks';
import { createLogger, envInt, envString } from '@hub/core';
import { composeSupergraph, createGateway, gatewayConfigFrom, readSupergraphConfig, type Gateway } from '@hub/gateway';
import { percentile } from '../subscriptions/latencySamples';
import { postGraphQL } from '../../test/support/graphqlClient';
import { signUpAccount } from '../../test/support/testStack';
import type { BenchSubgraphs } from './subgraphsProcess';
import { exitAfter, freshBenchDatabase } from '../support/benchDatabase';

/**
 * `npm run bench:fairness`: does one tenant's burst hurt another tenant? The real stack on
 * loopback, one process each as deployed: plattform + risk-hub (child), the gateway (this process,
 * which also sends tenant B's steady stream of queries) and tenant A's flood (child: concurrent
 * logins and queries). B's stream runs twice, quiet and during the flood; prints B's p50/p99 and
 * errors for both runs and the ratio. The gateway's rate limit is off (GATEWAY_RATE_LIMIT to set
 * one), so the flood reaches the subgraphs: what protects B here is fair queuing in the gateway and the bound on password hashing
 * in plattform. Bounded: fixed request counts, a time limit, every process stopped at the end.
 */
const DURATION_S = envInt('BENCH_FAIRNESS_DURATION_S', 15);
const B_RATE = envInt('BENCH_FAIRNESS_B_RATE', 20);
const LOGINS = envInt('BENCH_FAIRNESS_LOGINS', 200);
const QUERIES = envInt('BENCH_FAIRNESS_QUERIES', 50);
const RAMP_MS = 1000;
/** The gateway's per-tenant rate limit (requests per minute); off by default so the flood reaches the subgraphs. */
const RATE_LIMIT = envString('GATEWAY_RATE_LIMIT', '0');
const TIME_LIMIT_MS = envInt('BENCH_FAIRNESS_TIME_LIMIT_MS', 240_000);
const SERVER = envString('BENCH_PG_SERVER_URL', 'postgres://postgres@127.0.0.1:5432');
const DATABASE = 'hub_bench_fairness';
/** 1: A's loops wait `retryAfter` when refused (OVERLOADED, UNAVAILABLE), as clients are told to; 0: they never wait. */
const BACKOFF = envInt('BENCH_FAIRNESS_BACKOFF', 1);
const B_QUERY = '{ me { user { id } organization { name } } riskAssessments(first: 5) { nodes { id title } } }';

interface StreamResult {
  latencies: Float64Array;
  errors: Record<string, number>;
  /** The gateway process during the run: CPU time per wall time, and event-loop delay p99. */
  gatewayCpuPercent: number;
  loopUtilization: number;
  loopDelayP99Ms: number;
}

/** B's open-loop stream: one request every 1/B_RATE s, whatever the answers' latency. */
async function steadyStream(url: string, token: string, seconds: number): Promise<StreamResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const pending: Array<Promise<void>> = [];
  const total = seconds * B_RATE;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const loopBefore = nodePerformance.eventLoopUtilization();
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / B_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      (async () => {
        const sent = performance.now();
        try {
          const answer = await postGraphQL(url, B_QUERY, {}, token);
          latencies.push(performance.now() - sent);
          const code = answer.errors?.[0]?.extensions?.code;
          if (answer.status !== 200 || code) errors[String(code ?? answer.status)] = (errors[String(code ?? answer.status)] ?? 0) + 1;
        } catch {
          errors.network_error = (errors.network_error ?? 0) + 1;
        }
      })(),
    );
  }
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpuBefore);
  loopDelay.disable();
  return {
    latencies: Float64Array.from(latencies).sort(),
    errors,
    gatewayCpuPercent: ((cpu.user + cpu.system) / 1000 / (performance.now() - started)) * 100,
    loopUtilization: nodePerformance.eventLoopUtilization(loopBefore).utilization,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };
}

function summary(name: string, result: StreamResult): string {
  const errors = Object.values(result.errors).reduce((sum, n) => sum + n, 0);
  const codes = errors > 0 ? ` (${JSON.stringify(result.errors)})` : '';
  return `${name}: n=${result.latencies.length} p50=${percentile(result.latencies, 50).toFixed(1)} ms p99=${percentile(result.latencies, 99).toFixed(1)} ms max=${result.latencies.at(-1)!.toFixed(1)} ms errors=${errors}${codes}; gateway process: CPU ${result.gatewayCpuPercent.toFixed(0)} %, event-loop utilization ${(result.loopUtilization * 100).toFixed(0)} %, delay p99 ${result.loopDelayP99Ms.toFixed(1)} ms`;
}

const children: ChildProcess[] = [];

/** Forks a bench child and resolves with its first IPC message (what it reports when ready). */
function startChild<T>(file: string, env: Record<string, string>): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(join(__dirname, file), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as T }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
  });
}

/** Sends "stop" and resolves with the child's last message (or nothing) once it has exited. */
function stopChild<T>(child: ChildProcess): Promise<T | undefined> {
  return new Promise((resolve) => {
    let last: T | undefined;
    child.on('message', (message) => (last = message as T));
    child.once('exit', () => resolve(last));
    child.send('stop');
  });
}

/** The lines of the gateway's /metrics about subgraph breakers, errors and queue refusals. */
async function subgraphMetrics(gatewayUrl: string): Promise<string[]> {
  const text = await (await fetch(gatewayUrl.replace('/graphql', '/metrics'))).text();
  return text
    .split('\n')
    .filter((line) => /^gateway_subgraph_(circuit_state|errors_total|queue_rejections_total)\{/.test(line));
}

async function main(): Promise<void> {
  exitAfter('bench:fairness', TIME_LIMIT_MS);

  const databaseUrl = await freshBenchDatabase(SERVER, DATABASE);
  const dataDir = join(tmpdir(), `hub-bench-fairness-${process.pid}`);
  Object.assign(process.env, { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent', GATEWAY_RATE_LIMIT: RATE_LIMIT });

  let gateway: Gateway | undefined;
  try {
    const subgraphs = await startChild<BenchSubgraphs>('subgraphsProcess.ts', {});
    const supergraph = await readSupergraphConfig(resolve(__dirname, '../../supergraph.yaml'));
    const supergraphSdl = await composeSupergraph(
      supergraph.subgraphs.filter((subgraph) => subgraph.name in subgraphs.ready.routing),
      subgraphs.ready.routing,
    );
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), jwksUrl: subgraphs.ready.jwksUrl },
      supergraphSdl,
      logger: createLogger('bench-gateway'),
    });
    const url = `${(await gateway.listen(0)).url}/graphql`;
    const client = {
      query: <TData>(query: string, variables?: Record<string, unknown>, token?: string) => postGraphQL<TData>(url, query, variables, token),
    };
    const tenantA = await signUpAccount(client, 'Bench Flooder');
    const tenantB = await signUpAccount(client, 'Bench Bystander');
    const check = await postGraphQL(url, B_QUERY, {}, tenantB.token);
    if (check.errors) throw new Error(`tenant B's query fails: ${JSON.stringify(check.errors)}`);
    await steadyStream(url, tenantB.token, 2); // warm-up (plans, connections), not reported

    console.log(`fairness: plattform + risk-hub (one process), gateway (one process), tenant A (one process); loopback, shared cores; gateway rate limit ${RATE_LIMIT === '0' ? 'off' : `${RATE_LIMIT}/min`}`);
    console.log(`tenant B: ${B_RATE} queries/s for ${DURATION_S} s (open loop): ${B_QUERY}`);
    const quiet = await steadyStream(url, tenantB.token, DURATION_S);
    console.log(summary('run 1, quiet', quiet));

    const flood = await startChild('floodClient.ts', {
      FLOOD_URL: url,
      FLOOD_EMAIL: tenantA.email,
      FLOOD_PASSWORD: tenantA.password,
      FLOOD_TOKEN: tenantA.token,
      FLOOD_LOGINS: String(LOGINS),
      FLOOD_QUERIES: String(QUERIES),
      FLOOD_BACKOFF: String(BACKOFF),
    });
    await new Promise((resolve) => setTimeout(resolve, RAMP_MS));
    const flooded = await steadyStream(url, tenantB.token, DURATION_S);
    const outcomes = (await stopChild<{ outcomes: Record<string, number> }>(flood.child))?.outcomes ?? {};
    const backoff = BACKOFF ? 'waiting retryAfter when refused' : 'never waiting';
    console.log(summary(`run 2, tenant A flooding (${LOGINS} concurrent logins + ${QUERIES} concurrent queries, ${backoff})`, flooded));
    console.log(`tenant A's answers: ${Object.entries(outcomes).map(([outcome, n]) => `${outcome}=${n}`).join(' ')}`);
    for (const line of await subgraphMetrics(url)) console.log(`  ${line}`);
    const ratio = percentile(flooded.latencies, 99) / percentile(quiet.latencies, 99);
    console.log(`B p99 flood/quiet: ${ratio.toFixed(2)}`);
    await gateway.stop();
    gateway = undefined;
    await stopChild(subgraphs.child);
  } finally {
    await gateway?.stop();
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
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
