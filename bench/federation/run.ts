import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { freshBenchDatabase } from '../support/benchDatabase';
import { processCpuMs } from '../support/processCpu';
import { serverNodeArgs } from '../support/serverNodeArgs';
import { assertionCounters, describeSigning, type AssertionCounters } from './assertionCounters';
import { HEAVY_QUERY, load as loadHeavy, mean, signTokens, startBenchSubgraphs, startChild as spawnChild, startedChildren, stopChild, type RunResult, type Started } from './benchHarness';

/**
 * `npm run bench:federation`: our gateway vs stock @apollo/gateway on @apollo/server, one process
 * each, against the same four in-memory subgraphs, interleaved runs, loopback only. Each gateway
 * is pinned to one core (taskset, when available); every request carries its own signed token.
 * BENCH_DURATION_S (default 10), BENCH_ROUNDS (2), BENCH_CONNECTIONS (32), BENCH_WARMUP_S (2),
 * BENCH_GATEWAY_CPU (0), BENCH_OUR_EXECUTOR (our gateway's GATEWAY_EXECUTOR, default own), BENCH_SERVER_NODE_ARGS
 * (Node flags of both gateways; default those of our gateway's image),
 * BENCH_CPU_PROF=<dir> (CPU profiles of both gateways, written when they stop).
 * BENCH_FIELD_USAGE=1 (`npm run bench:field-usage`) adds a third target: our gateway recording field
 * usage into a scratch database (BENCH_PG_SERVER_URL), compared with ours without it.
 * BENCH_COMPARE_PLANNERS=1 adds a target `hive`: our gateway with GATEWAY_PLANNER=hive while `ours`
 * runs GATEWAY_PLANNER=apollo, so that both planners are measured in the same run.
 */
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 20_000);
const FIELD_USAGE = process.env.BENCH_FIELD_USAGE === '1';
const COMPARE_PLANNERS = process.env.BENCH_COMPARE_PLANNERS === '1';
const PG_SERVER_URL = process.env.BENCH_PG_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
const GATEWAY_CPU = process.env.BENCH_GATEWAY_CPU ?? '0';
const TASKSET = spawnSync('taskset', ['--version']).status === 0;
// Both gateways get the Node flags of our gateway's image (BENCH_SERVER_NODE_ARGS).
const SERVER_NODE_ARGS = serverNodeArgs();

function startChild(file: string, env: Record<string, string>, pinned = false): Promise<Started> {
  const profile = pinned && process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const node = [process.execPath, ...SERVER_NODE_ARGS, ...profile, '--import', 'tsx', join(__dirname, file)];
  return spawnChild(pinned && TASKSET ? ['taskset', '-c', GATEWAY_CPU, ...node] : node, env);
}

const load = (url: string, nextToken: () => string, seconds: number) => loadHeavy(url, nextToken, seconds, CONNECTIONS);

async function subgraphRequestCount(countUrl: string): Promise<number> {
  const response = await fetch(countUrl);
  return ((await response.json()) as { requests: number }).requests;
}

async function main(): Promise<void> {
  const tokens = await signTokens(TOKENS);
  const nextToken = tokens.next;
  const { supergraphPath, jwksUrl, countUrl, started: subgraphs } = await startBenchSubgraphs(tokens.jwks);
  const ourEnv = { BENCH_SUPERGRAPH: supergraphPath, BENCH_JWKS_URL: jwksUrl, GATEWAY_EXECUTOR: process.env.BENCH_OUR_EXECUTOR ?? 'own' };
  const ours = await startChild('ourGateway.ts', COMPARE_PLANNERS ? { ...ourEnv, GATEWAY_PLANNER: 'apollo' } : ourEnv, true);
  const hive = COMPARE_PLANNERS ? await startChild('ourGateway.ts', { ...ourEnv, GATEWAY_PLANNER: 'hive' }, true) : null;
  const stock = await startChild('stockGateway.ts', { BENCH_SUPERGRAPH: supergraphPath }, true);
  const targets: Record<string, string> = { ours: ours.info.url!, stock: stock.info.url! };
  const processes: Record<string, Started> = { ours, stock };
  const usageDatabase = FIELD_USAGE ? await fieldUsageDatabase() : null;
  const usage = usageDatabase
    ? await startChild(
        'ourGateway.ts',
        { ...ourEnv, REGISTRY_DATABASE_URL: usageDatabase.appUrl, GATEWAY_FOLLOW_REGISTRY: 'false', FIELD_USAGE_FLUSH_MS: '1000' },
        true,
      )
    : null;
  if (usage) {
    targets.usage = usage.info.url!;
    processes.usage = usage;
  }
  if (hive) {
    targets.hive = hive.info.url!;
    processes.hive = hive;
  }

  // Both answer the heavy query identically before anything is measured.
  const answers = await Promise.all(
    Object.values(targets).map(async (url) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${nextToken()}` },
        body: JSON.stringify({ query: HEAVY_QUERY }),
      });
      return (await response.text()).trim();
    }),
  );
  if (answers.some((answer) => answer !== answers[0]) || answers[0]!.includes('"errors"')) {
    throw new Error(`gateways disagree or fail:\n${answers.map((answer, index) => `${Object.keys(targets)[index]}: ${answer.slice(0, 300)}`).join('\n')}`);
  }

  // Subgraph requests per operation, counted at the subgraphs over sequential requests (nothing else in flight).
  const requestsPerOperation: Record<string, number> = {};
  const COUNTED_REQUESTS = 10;
  // Our gateways sign subgraph requests in batches: signatures per operation, alone and under load.
  const signs = (name: string) => name !== 'stock';
  for (const [name, url] of Object.entries(targets)) {
    const before = await subgraphRequestCount(countUrl);
    const signedBefore = signs(name) ? await assertionCounters(url) : null;
    for (let i = 0; i < COUNTED_REQUESTS; i += 1) {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${nextToken()}` }, body: JSON.stringify({ query: HEAVY_QUERY }) }).then((r) => r.text());
    }
    requestsPerOperation[name] = ((await subgraphRequestCount(countUrl)) - before) / COUNTED_REQUESTS;
    const signing = signedBefore ? `, ${describeSigning(signedBefore, await assertionCounters(url), COUNTED_REQUESTS)}` : '';
    process.stdout.write(`${name.padEnd(5)} subgraph requests per operation: ${requestsPerOperation[name]!.toFixed(1)}${signing}\n`);
  }

  if (process.env.BENCH_PROBE) {
    for (const [name, url] of Object.entries(targets)) {
      const started = performance.now();
      for (let i = 0; i < 20; i += 1) {
        await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${nextToken()}` }, body: JSON.stringify({ query: HEAVY_QUERY }) }).then((r) => r.text());
      }
      process.stdout.write(`${name}: ${((performance.now() - started) / 20).toFixed(1)} ms per sequential request\n`);
    }
  }
  process.stdout.write(`\nheavy nested query, ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} rounds (interleaved)\n`);
  process.stdout.write(TASKSET ? `each gateway pinned to CPU ${GATEWAY_CPU} (taskset)\n` : 'taskset not available: gateways not pinned\n');
  process.stdout.write(`gateways' Node flags: ${SERVER_NODE_ARGS.join(' ') || 'none'}\n`);
  const names = Object.keys(targets);
  const totals: Record<string, RunResult[]> = Object.fromEntries(names.map((name) => [name, []]));
  // Gateway CPU time per answered operation: steadier than req/s on a machine others share.
  const cpuPerOperation: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  // The answer check, the counted requests above (and BENCH_PROBE's) ran on the usage gateway too.
  let usageAnswered = usage ? 1 + COUNTED_REQUESTS + (process.env.BENCH_PROBE ? 20 : 0) : 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      if (WARMUP_S > 0) usageAnswered += name === 'usage' ? (await load(targets[name]!, nextToken, WARMUP_S)).answered : 0;
      const signedBefore: AssertionCounters | null = signs(name) ? await assertionCounters(targets[name]!) : null;
      const cpuBefore = processCpuMs(processes[name]!.child.pid!);
      const result = await load(targets[name]!, nextToken, DURATION_S);
      const cpuMs = (processCpuMs(processes[name]!.child.pid!) - cpuBefore) / Math.max(1, result.answered);
      const signing = signedBefore ? `  ${describeSigning(signedBefore, await assertionCounters(targets[name]!), result.answered)}` : '';
      cpuPerOperation[name]!.push(cpuMs);
      if (name === 'usage') usageAnswered += result.answered;
      totals[name]!.push(result);
      process.stdout.write(
        `round ${round + 1} ${name.padEnd(5)}  ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms` +
          `  CPU ${cpuMs.toFixed(2)} ms/op  errors ${result.errors}  non-2xx ${result.non2xx}${signing}\n`,
      );
    }
  }
  for (const name of names) {
    process.stdout.write(
      `${name.padEnd(5)} mean: ${mean(totals[name]!, (run) => run.rps).toFixed(0)} req/s, p50 ${mean(totals[name]!, (run) => run.p50).toFixed(1)} ms, p99 ${mean(totals[name]!, (run) => run.p99).toFixed(1)} ms, ` +
        `subgraph requests/op ${(requestsPerOperation[name] ?? 0).toFixed(1)}, gateway CPU ${meanOf(cpuPerOperation[name]!).toFixed(2)} ms/op\n`,
    );
  }
  const ratio = mean(totals.ours!, (run) => run.rps) / mean(totals.stock!, (run) => run.rps);
  if (tokens.wrapped()) process.stdout.write(`note: the ${TOKENS} pre-signed tokens were reused (raise BENCH_TOKENS for all-distinct headers)\n`);
  process.stdout.write(`CPU per operation, stock/ours: ${(meanOf(cpuPerOperation.stock!) / meanOf(cpuPerOperation.ours!)).toFixed(2)}\n`);
  process.stdout.write(`ratio ours/stock: ${ratio.toFixed(2)}\n`);
  if (usage && usageDatabase) {
    // Two flush intervals: every answered request has been written by then.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const recorded = await recordedExecutions(usageDatabase.adminUrl);
    // autocannon stops counting at the end of each run with up to one request per connection in flight; the gateway still executes those.
    const cutOff = CONNECTIONS * ROUNDS * (WARMUP_S > 0 ? 2 : 1);
    const complete = recorded >= usageAnswered && recorded <= usageAnswered + cutOff;
    process.stdout.write(
      `field usage recorded: ${recorded} Heavy executions; answered within the runs: ${usageAnswered} (+ at most ${cutOff} in flight at run ends): ${complete ? 'complete' : 'MISMATCH'}\n`,
    );
    process.stdout.write(`ratio usage/ours: ${(mean(totals.usage!, (run) => run.rps) / mean(totals.ours!, (run) => run.rps)).toFixed(2)}\n`);
    await stopChild(usage);
  }

  if (hive) {
    process.stdout.write(`ratio hive/ours (GATEWAY_PLANNER hive / apollo): ${(mean(totals.hive!, (run) => run.rps) / mean(totals.ours!, (run) => run.rps)).toFixed(2)}\n`);
    await stopChild(hive);
  }
  await stopChild(ours);
  await stopChild(stock);
  await stopChild(subgraphs);
}

const meanOf = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** A scratch database with the registry's tables; the usage gateway writes as `schema_registry_app`. */
async function fieldUsageDatabase(): Promise<{ adminUrl: string; appUrl: string }> {
  process.env.DATABASE_URL = await freshBenchDatabase(PG_SERVER_URL, 'hub_bench_field_usage');
  const { registryDatabaseSettings } = await import('@hub/gateway');
  const { migrateRegistry } = await import('@hub/gateway/migrations');
  const settings = registryDatabaseSettings();
  await migrateRegistry(settings);
  return { adminUrl: settings.adminUrl, appUrl: settings.appUrl };
}

async function recordedExecutions(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ total: string | null }>(
      "SELECT sum(count)::text AS total FROM schema_registry.field_usage WHERE coordinate = 'Query.users' AND operation_name = 'Heavy'",
    );
    return Number(rows[0]?.total ?? 0);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  for (const child of startedChildren()) child.kill('SIGTERM');
  process.exit(1);
});
