import { join } from 'node:path';
import { machineCpuMs, processCpuMs } from '../support/processCpu';
import { HEAVY_QUERY, load, mean, signTokens, startBenchSubgraphs, startChild, startedChildren, stopChild, type RunResult, type Started } from '../federation/benchHarness';

/**
 * `npm run bench:workers`: `hub-gateway --workers 2` vs `--workers 1` (one plain process) on the
 * bench:federation setup (its four subgraphs, heavy query, a distinct signed token per request),
 * interleaved runs, loopback only, neither pinned: the point is what a second core adds. Both use
 * Redis (BENCH_REDIS_URL) for rate limits and revocations, as --workers 2 must.
 * The load generator and the subgraphs share the same cores, so on a 2-core machine the ratio
 * is well under 2. BENCH_DURATION_S (default 10), BENCH_ROUNDS (2), BENCH_CONNECTIONS (32),
 * BENCH_WARMUP_S (2), BENCH_TOKENS (20000).
 */
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 20_000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HUB_GATEWAY = join(__dirname, '../../gateway/bin/hub-gateway.js');

/** Resolves once `workers` "gateway ready" lines were logged; `info.url` is the shared endpoint, `info.pids` the workers'. */
function whenWorkersReady(workers: number) {
  return (stdout: string): Record<string, string> | undefined => {
    const ready = stdout
      .split('\n')
      .filter((line) => line.includes('"gateway ready"'))
      .map((line) => JSON.parse(line) as { url: string; pid: number });
    return ready.length >= workers ? { url: ready[0]!.url, pids: ready.map((line) => line.pid).join(',') } : undefined;
  };
}

/** Every process of a started hub-gateway: the primary (the child itself) and its workers. */
function gatewayPids(started: Started): number[] {
  const workers = started.info.pids!.split(',').map(Number);
  return workers.includes(started.child.pid!) ? workers : [started.child.pid!, ...workers];
}

const gatewayCpuMs = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);

function startHubGateway(workers: number, supergraphPath: string, jwksUrl: string): Promise<Started> {
  return startChild(
    [process.execPath, HUB_GATEWAY, '--workers', String(workers), '--supergraph', supergraphPath],
    {
      PORT: '0',
      JWKS_URL: jwksUrl,
      REDIS_URL,
      GATEWAY_EXECUTOR: 'own',
      GATEWAY_RATE_LIMIT: '1000000',
      // The bench subgraphs serve the JWKS but not plattform's revocation list.
      DENYLIST_PLATTFORM_FALLBACK: 'false',
      // The tokens are signed once, before the runs: when the shared Redis is slow to answer on a busy
      // machine the denylist is blind, and after the default 60 s grace they would all be refused (401).
      DENYLIST_BLIND_GRACE_SECONDS: '7200',
      // "gateway ready" is logged at info; per-request logs go to debug so they stay quiet.
      LOG_LEVEL: 'info',
      GATEWAY_REQUEST_LOG_LEVEL: 'debug',
    },
    whenWorkersReady(workers),
  );
}

async function main(): Promise<void> {
  const tokens = await signTokens(TOKENS);
  const subgraphs = await startBenchSubgraphs(tokens.jwks);
  const gateways = {
    workers1: await startHubGateway(1, subgraphs.supergraphPath, subgraphs.jwksUrl),
    workers2: await startHubGateway(2, subgraphs.supergraphPath, subgraphs.jwksUrl),
  };
  const names = Object.keys(gateways) as Array<keyof typeof gateways>;

  // Both answer the heavy query, identically, before anything is measured.
  const answers = await Promise.all(
    names.map(async (name) => {
      const response = await fetch(gateways[name].info.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.next()}` },
        body: JSON.stringify({ query: HEAVY_QUERY }),
      });
      return (await response.text()).trim();
    }),
  );
  if (answers[0] !== answers[1] || answers[0]!.includes('"errors"')) throw new Error(`gateways disagree or fail:\n${answers.map((answer) => answer.slice(0, 300)).join('\n')}`);

  process.stdout.write(`\nheavy nested query, ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} rounds (interleaved), gateways not pinned\n`);
  const totals: Record<string, RunResult[]> = { workers1: [], workers2: [] };
  const cpuPerRequest: Record<string, number[]> = { workers1: [], workers2: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      if (WARMUP_S > 0) await load(gateways[name].info.url!, tokens.next, WARMUP_S, CONNECTIONS);
      const pids = gatewayPids(gateways[name]);
      const primary = name === 'workers1' ? null : gateways[name].child.pid!;
      const primaryBefore = primary === null ? 0 : processCpuMs(primary);
      const cpuBefore = gatewayCpuMs(pids);
      const machineBefore = machineCpuMs();
      const result = await load(gateways[name].info.url!, tokens.next, DURATION_S, CONNECTIONS);
      const cpuMs = gatewayCpuMs(pids) - cpuBefore;
      // The cluster primary only supervises (and hands new connections to workers): its share is shown apart.
      const primaryShare = primary === null ? '' : ` (primary ${(((processCpuMs(primary) - primaryBefore) / (DURATION_S * 1000)) * 100).toFixed(1)} %)`;
      const machine = machineCpuMs();
      const machineBusy = (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total);
      totals[name]!.push(result);
      cpuPerRequest[name]!.push(cpuMs / Math.max(1, result.answered));
      // Gateway CPU per answered request does not depend on how busy the machine is; req/s does.
      process.stdout.write(
        `round ${round + 1} ${name}  ${result.rps.toFixed(0).padStart(6)} req/s (${(result.answered / DURATION_S).toFixed(0)} 2xx/s)  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors}  non-2xx ${result.non2xx}` +
          `${result.non2xx > 0 ? ` (by status: ${JSON.stringify(result.statusCodes)})` : ''}` +
          `  gateway CPU ${((cpuMs / (DURATION_S * 1000)) * 100).toFixed(0)} % of one core${primaryShare}, ${(cpuMs / Math.max(1, result.answered)).toFixed(2)} ms/request; machine ${(machineBusy * 100).toFixed(0)} % busy\n`,
      );
    }
  }
  for (const name of names) {
    const runs = totals[name]!;
    process.stdout.write(
      `${name} mean: ${mean(runs, (run) => run.answered / DURATION_S).toFixed(0)} answered req/s, p50 ${mean(runs, (run) => run.p50).toFixed(1)} ms, p99 ${mean(runs, (run) => run.p99).toFixed(1)} ms, ` +
        `gateway CPU ${(cpuPerRequest[name]!.reduce((sum, ms) => sum + ms, 0) / runs.length).toFixed(2)} ms/request\n`,
    );
  }
  if (tokens.wrapped()) process.stdout.write(`note: the ${TOKENS} pre-signed tokens were reused (raise BENCH_TOKENS for all-distinct headers)\n`);
  // Answered (2xx) requests per second, so refusals never count as throughput.
  const answeredPerSecond = (run: RunResult) => run.answered / DURATION_S;
  const ratio = mean(totals.workers2!, answeredPerSecond) / mean(totals.workers1!, answeredPerSecond);
  process.stdout.write(`ratio workers2/workers1: ${ratio.toFixed(2)}\n`);

  for (const name of names) await stopChild(gateways[name]);
  await stopChild(subgraphs.started);
}

main().catch((error: unknown) => {
  console.error(error);
  for (const child of startedChildren()) child.kill('SIGTERM');
  process.exit(1);
});
