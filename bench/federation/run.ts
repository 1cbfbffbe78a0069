import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import autocannon from 'autocannon';
import { parse } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Client } from 'pg';
import { freshBenchDatabase } from '../support/benchDatabase';
import { SUBGRAPHS } from './benchSubgraphs';

/**
 * `npm run bench:federation`: our gateway vs stock @apollo/gateway on @apollo/server, one process
 * each, against the same four in-memory subgraphs, interleaved runs, loopback only.
 * BENCH_DURATION_S (default 10), BENCH_ROUNDS (2), BENCH_CONNECTIONS (32), BENCH_WARMUP_S (2).
 * BENCH_FIELD_USAGE=1 (`npm run bench:field-usage`) adds a third target: our gateway recording field
 * usage into a scratch database (BENCH_PG_SERVER_URL), compared with ours without it.
 */
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 2);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 20_000);
const FIELD_USAGE = process.env.BENCH_FIELD_USAGE === '1';
const PG_SERVER_URL = process.env.BENCH_PG_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';

const HEAVY_QUERY = /* GraphQL */ `
  query Heavy {
    users {
      id username name
      reviews {
        id body
        product {
          upc name price weight inStock shippingEstimate
          reviews { id body author { id username name reviews { id body product { upc name inStock } } } }
        }
      }
    }
    topProducts(first: 5) {
      upc name price weight inStock shippingEstimate
      reviews { id body author { id username name } }
    }
  }
`;

interface Started {
  child: ChildProcess;
  info: Record<string, string>;
}

const children: ChildProcess[] = [];

function startChild(file: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, file)], {
    env: { ...process.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((candidate) => candidate.startsWith('READY '));
      if (line) resolve({ child, info: JSON.parse(line.slice(6)) as Record<string, string> });
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
  });
}

async function stopChild(started: Started): Promise<void> {
  started.child.kill('SIGTERM');
  await new Promise((resolve) => started.child.once('exit', resolve));
}

interface RunResult {
  rps: number;
  answered: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, nextToken: () => string, seconds: number): Promise<RunResult> {
  const body = JSON.stringify({ query: HEAVY_QUERY, operationName: 'Heavy' });
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: `Bearer ${nextToken()}` },
        }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    answered: result['2xx'],
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function main(): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = 'bench-key';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] };
  process.stdout.write(`signing ${TOKENS} distinct tokens...\n`);
  const tokens: string[] = [];
  const orgs = Array.from({ length: 500 }, () => randomUUID());
  for (let index = 0; index < TOKENS; index += 1) {
    tokens.push(
      await new SignJWT({ org: orgs[index % orgs.length], roles: ['member'], scope: 'bench.read' })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(randomUUID())
        .setJti(randomUUID())
        .setIssuer('urn:hub:plattform')
        .setAudience('urn:hub:graph')
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(privateKey),
    );
  }
  let cursor = 0;
  let wrapped = false;
  const nextToken = () => {
    const token = tokens[cursor]!;
    cursor += 1;
    if (cursor === tokens.length) {
      cursor = 0;
      wrapped = true;
    }
    return token;
  };

  const subgraphs = await startChild('benchSubgraphs.ts', { BENCH_JWKS: JSON.stringify(jwks) });
  const composed = composeServices(
    Object.entries(SUBGRAPHS).map(([name, typeDefs]) => ({ name, url: subgraphs.info[name]!, typeDefs: parse(typeDefs) })),
  );
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  const dir = await mkdtemp(join(tmpdir(), 'bench-federation-'));
  const supergraphPath = join(dir, 'supergraph.graphql');
  await writeFile(supergraphPath, composed.supergraphSdl);
  const jwksUrl = subgraphs.info.accounts!.replace('/graphql', '/.well-known/jwks.json');

  const ours = await startChild('ourGateway.ts', { BENCH_SUPERGRAPH: supergraphPath, BENCH_JWKS_URL: jwksUrl });
  const stock = await startChild('stockGateway.ts', { BENCH_SUPERGRAPH: supergraphPath });
  const targets: Record<string, string> = { ours: ours.info.url!, stock: stock.info.url! };
  const usageDatabase = FIELD_USAGE ? await fieldUsageDatabase() : null;
  const usage = usageDatabase
    ? await startChild('ourGateway.ts', {
        BENCH_SUPERGRAPH: supergraphPath,
        BENCH_JWKS_URL: jwksUrl,
        REGISTRY_DATABASE_URL: usageDatabase.appUrl,
        GATEWAY_FOLLOW_REGISTRY: 'false',
        FIELD_USAGE_FLUSH_MS: '1000',
      })
    : null;
  if (usage) targets.usage = usage.info.url!;

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
  const names = Object.keys(targets);
  const totals: Record<string, RunResult[]> = Object.fromEntries(names.map((name) => [name, []]));
  // The answer check above (and BENCH_PROBE's requests) ran on the usage gateway too.
  let usageAnswered = usage ? 1 + (process.env.BENCH_PROBE ? 20 : 0) : 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      if (WARMUP_S > 0) usageAnswered += name === 'usage' ? (await load(targets[name]!, nextToken, WARMUP_S)).answered : 0;
      const result = await load(targets[name]!, nextToken, DURATION_S);
      if (name === 'usage') usageAnswered += result.answered;
      totals[name]!.push(result);
      process.stdout.write(
        `round ${round + 1} ${name.padEnd(5)}  ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms` +
          `  errors ${result.errors}  non-2xx ${result.non2xx}\n`,
      );
    }
  }
  const mean = (runs: RunResult[], pick: (run: RunResult) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  for (const name of names) {
    process.stdout.write(
      `${name.padEnd(5)} mean: ${mean(totals[name]!, (run) => run.rps).toFixed(0)} req/s, p50 ${mean(totals[name]!, (run) => run.p50).toFixed(1)} ms, p99 ${mean(totals[name]!, (run) => run.p99).toFixed(1)} ms\n`,
    );
  }
  const ratio = mean(totals.ours!, (run) => run.rps) / mean(totals.stock!, (run) => run.rps);
  if (wrapped) process.stdout.write(`note: the ${TOKENS} pre-signed tokens were reused (raise BENCH_TOKENS for all-distinct headers)\n`);
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

  await stopChild(ours);
  await stopChild(stock);
  await stopChild(subgraphs);
}

/** A scratch database with the registry's tables; the usage gateway writes as `schema_registry_app`. */
async function fieldUsageDatabase(): Promise<{ adminUrl: string; appUrl: string }> {
  process.env.DATABASE_URL = await freshBenchDatabase(PG_SERVER_URL, 'hub_bench_field_usage');
  const { migrateRegistry, registryDatabaseSettings } = await import('@hub/gateway');
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
  for (const child of children) child.kill('SIGTERM');
  process.exit(1);
});
