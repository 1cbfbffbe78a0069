import { fork, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envInt, envOptional, envString, provideGatewayKeyPairForThisRun } from '@hub/core';
import { percentile } from '../subscriptions/latencySamples';
import { postGraphQL } from '@hub/testkit/graphqlClient';
import { signUpAccount } from '@hub/testkit/testStack';
import type { GatewayUsage } from './gatewayProcess';
import type { BenchSubgraphs } from './subgraphsProcess';
import { exitAfter, freshBenchDatabase } from '../support/benchDatabase';
import { watchCpu } from '../support/processCpu';

/**
 * `npm run bench:fairness`: does one tenant's burst hurt another tenant? The real stack on
 * loopback, one process each as deployed: plattform + risk-hub (child), the gateway (child),
 * tenant A's flood (child: concurrent logins and queries) and tenant B's steady stream (this
 * process, which only sends B's requests and reads the others' figures). B's stream runs twice,
 * quiet and during the flood; prints B's p50/p99 and errors for both runs, A's answers, the
 * gateway's CPU and the ratio; then what a refused request costs the gateway. The gateway runs
 * with the rate limit an operator would set for this machine: the same static default for every
 * tenant and client address (A's logins count against their address), above B's own rate, in the
 * gateway's default mode (token bucket). GATEWAY_RATE_LIMIT=0 turns it off, so the flood reaches
 * only admission control, fair queues and plattform's bound on password hashing. Bounded: fixed
 * request counts, a time limit, every process stopped at the end.
 */
const DURATION_S = envInt('BENCH_FAIRNESS_DURATION_S', 15);
const B_RATE = envInt('BENCH_FAIRNESS_B_RATE', 20);
const LOGINS = envInt('BENCH_FAIRNESS_LOGINS', 200);
const QUERIES = envInt('BENCH_FAIRNESS_QUERIES', 50);
const RAMP_MS = 1000;
/**
 * The gateway's rate limit per tenant and per client address: GATEWAY_RATE_LIMIT requests per
 * GATEWAY_RATE_LIMIT_WINDOW_SECONDS (a bucket of that many, refilled at that rate). 30 per 1 s is
 * above B's 20/s and well below what A's flood gets through without a limit (~100 queries/s);
 * 0 turns the limit off for comparison. GATEWAY_RATE_LIMIT_MODE=slidingWindow compares the old mode.
 */
const RATE_LIMIT = envString('GATEWAY_RATE_LIMIT', '30');
const RATE_WINDOW_S = envString('GATEWAY_RATE_LIMIT_WINDOW_SECONDS', '1');
const RATE_MODE = envString('GATEWAY_RATE_LIMIT_MODE', 'tokenBucket');
const TIME_LIMIT_MS = envInt('BENCH_FAIRNESS_TIME_LIMIT_MS', 300_000);
const SERVER = envString('BENCH_PG_SERVER_URL', 'postgres://postgres@127.0.0.1:5432');
/** The scratch database the run drops and creates (another name for concurrent runs). */
const DATABASE = envString('BENCH_FAIRNESS_DATABASE', 'hub_bench_fairness');
/** 1: A's loops wait `retryAfter` when refused (OVERLOADED, UNAVAILABLE), as clients are told to; 0: they never wait. */
const BACKOFF = envInt('BENCH_FAIRNESS_BACKOFF', 1);
/** Requests sent to a gateway that refuses every operation, to measure what a refusal costs it. */
const REFUSALS = envInt('BENCH_FAIRNESS_REFUSALS', 2000);
/** A directory: the gateway and subgraph processes write V8 CPU profiles there (`node --cpu-prof`). */
const CPU_PROFILE_DIR = envOptional('BENCH_FAIRNESS_CPU_PROF');
const B_QUERY = '{ me { user { id } organization { name } } riskAssessments(first: 5) { nodes { id title } } }';

interface StreamResult {
  latencies: Float64Array;
  errors: Record<string, number>;
}

/** B's open-loop stream: one request every 1/B_RATE s, whatever the answers' latency. */
async function steadyStream(url: string, token: string, seconds: number): Promise<StreamResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const pending: Array<Promise<void>> = [];
  const total = seconds * B_RATE;
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
  return { latencies: Float64Array.from(latencies).sort(), errors };
}

function errorCount(result: StreamResult): number {
  return Object.values(result.errors).reduce((sum, n) => sum + n, 0);
}

function summary(name: string, result: StreamResult, gateway: GatewayUsage): string {
  const errors = errorCount(result);
  const codes = errors > 0 ? ` (${JSON.stringify(result.errors)})` : '';
  return `${name}: n=${result.latencies.length} p50=${percentile(result.latencies, 50).toFixed(1)} ms p99=${percentile(result.latencies, 99).toFixed(1)} ms max=${result.latencies.at(-1)!.toFixed(1)} ms errors=${errors}${codes}; gateway process: CPU ${gateway.cpuPercent.toFixed(0)} % of a core, event-loop utilization ${(gateway.loopUtilization * 100).toFixed(0)} %, delay p99 ${gateway.loopDelayP99Ms.toFixed(1)} ms`;
}

const children: ChildProcess[] = [];

/** Forks a bench child and resolves with its first IPC message (what it reports when ready). */
function startChild<T>(file: string, env: Record<string, string>, execArgv: string[] = []): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(join(__dirname, file), [], { execArgv: ['--import', 'tsx', ...execArgv], env: { ...process.env, ...env } });
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

/** The lines of the gateway's /metrics about rate limiting, admission, subgraph breakers, errors and queue refusals. */
async function gatewayMetrics(gatewayUrl: string): Promise<string[]> {
  const text = await (await fetch(gatewayUrl.replace('/graphql', '/metrics'))).text();
  return text
    .split('\n')
    .filter((line) => /^gateway_(rate_limited_total |(admission_refusals_total|subgraph_(circuit_state|errors_total|queue_rejections_total))\{)/.test(line));
}

/** Runs `work` while the gateway process measures itself; resolves with both. */
async function measured<T>(gateway: ChildProcess, work: () => Promise<T>): Promise<{ result: T; usage: GatewayUsage }> {
  gateway.send('measure-start');
  const result = await work();
  const usage = new Promise<GatewayUsage>((resolve) => {
    const onMessage = (message: unknown) => {
      const report = message as { usage?: GatewayUsage };
      if (!report.usage) return;
      gateway.off('message', onMessage);
      resolve(report.usage);
    };
    gateway.on('message', onMessage);
  });
  gateway.send('measure-end');
  return { result, usage: await usage };
}

/** Sends `total` requests, `concurrency` at a time; resolves with the answers' codes. */
async function burst(url: string, token: string, total: number, concurrency: number): Promise<Record<string, number>> {
  const codes: Record<string, number> = {};
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        sent += 1;
        const answer = await postGraphQL(url, B_QUERY, {}, token);
        const code = `${answer.status} ${answer.errors?.[0]?.extensions?.code ?? 'ok'}`;
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }),
  );
  return codes;
}

async function main(): Promise<void> {
  exitAfter('bench:fairness', TIME_LIMIT_MS);

  const databaseUrl = await freshBenchDatabase(SERVER, DATABASE);
  const dataDir = join(tmpdir(), `hub-bench-fairness-${process.pid}`);
  // The gateway signs its calls to the subgraphs; they (and child processes) share this run's key pair.
  provideGatewayKeyPairForThisRun();
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    GATEWAY_RATE_LIMIT: RATE_LIMIT,
    GATEWAY_RATE_LIMIT_WINDOW_SECONDS: RATE_WINDOW_S,
    GATEWAY_RATE_LIMIT_MODE: RATE_MODE,
  });

  try {
    const profile = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [];
    const subgraphs = await startChild<BenchSubgraphs>('subgraphsProcess.ts', {}, profile);
    const gatewayEnv = { BENCH_ROUTING: JSON.stringify(subgraphs.ready.routing), BENCH_JWKS_URL: subgraphs.ready.jwksUrl };
    const gateway = await startChild<{ url: string }>('gatewayProcess.ts', gatewayEnv, profile);
    const { url } = gateway.ready;
    const client = {
      query: <TData>(query: string, variables?: Record<string, unknown>, token?: string) => postGraphQL<TData>(url, query, variables, token),
    };
    const tenantA = await signUpAccount(client, 'Bench Flooder');
    const tenantB = await signUpAccount(client, 'Bench Bystander');
    const check = await postGraphQL(url, B_QUERY, {}, tenantB.token);
    if (check.errors) throw new Error(`tenant B's query fails: ${JSON.stringify(check.errors)}`);
    await steadyStream(url, tenantB.token, 2); // warm-up (plans, connections, token cache), not reported

    console.log(`fairness: plattform + risk-hub (one process), gateway (one process), tenant A (one process), tenant B (this process); loopback, shared cores; gateway rate limit ${RATE_LIMIT === '0' ? 'off' : `${RATE_LIMIT} requests per ${RATE_WINDOW_S} s per tenant and per client address (${RATE_MODE})`}`);
    console.log(`tenant B: ${B_RATE} queries/s for ${DURATION_S} s (open loop): ${B_QUERY}`);
    const processes = { subgraphs: subgraphs.child.pid!, gateway: gateway.child.pid!, 'tenant B client': process.pid };
    const quietCpu = watchCpu(processes);
    const quiet = await measured(gateway.child, () => steadyStream(url, tenantB.token, DURATION_S));
    console.log(summary('run 1, quiet', quiet.result, quiet.usage));
    console.log(`  CPU: ${quietCpu.read()}`);

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
    const floodCpu = watchCpu({ ...processes, 'tenant A client': flood.child.pid! });
    const flooded = await measured(gateway.child, () => steadyStream(url, tenantB.token, DURATION_S));
    const floodCpuFigures = floodCpu.read();
    const floodSeconds = DURATION_S + RAMP_MS / 1000;
    const outcomes = (await stopChild<{ outcomes: Record<string, number> }>(flood.child))?.outcomes ?? {};
    const backoff = BACKOFF ? 'waiting retryAfter when refused' : 'never waiting';
    console.log(summary(`run 2, tenant A flooding (${LOGINS} concurrent logins + ${QUERIES} concurrent queries, ${backoff})`, flooded.result, flooded.usage));
    console.log(`  CPU: ${floodCpuFigures}`);
    const answersA = Object.entries(outcomes).sort(([a], [b]) => a.localeCompare(b));
    console.log(`tenant A's answers in about ${floodSeconds} s: ${answersA.map(([outcome, n]) => `${outcome}=${n} (${(n / floodSeconds).toFixed(0)}/s)`).join(' ')}`);
    for (const line of await gatewayMetrics(url)) console.log(`  ${line}`);
    const ratio = percentile(flooded.result.latencies, 99) / percentile(quiet.result.latencies, 99);
    console.log(`B errors (flood): ${errorCount(flooded.result)}`);
    console.log(`B p99 flood/quiet: ${ratio.toFixed(2)}`);
    await stopChild(gateway.child);

    // What a refused operation costs the gateway: one that admits nothing, the same query as B's.
    const refusing = await startChild<{ url: string }>('gatewayProcess.ts', {
      ...gatewayEnv,
      GATEWAY_CALLER_CONCURRENCY: '0',
      GATEWAY_CALLER_QUEUE: '0',
    }, profile);
    await burst(refusing.ready.url, tenantA.token, 200, 10); // warm-up
    const refusals = await measured(refusing.child, () => burst(refusing.ready.url, tenantA.token, REFUSALS, 20));
    const perQuery = (quiet.usage.cpuMs / quiet.result.latencies.length) * 1000;
    console.log(
      `refusal cost: ${((refusals.usage.cpuMs / REFUSALS) * 1000).toFixed(0)} µs gateway CPU per refused request (${JSON.stringify(refusals.result)}), vs ${perQuery.toFixed(0)} µs per admitted query of B's (quiet run)`,
    );
    await stopChild(refusing.child);
    await stopChild(subgraphs.child);
  } finally {
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
