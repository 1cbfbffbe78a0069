import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import autocannon from 'autocannon';
import { parse } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { SUBGRAPHS } from './benchSubgraphs';

/**
 * What the gateway benchmarks share (bench:federation, bench:workers): the heavy nested query, the
 * pre-signed tokens (one per request), the four bench subgraphs and their supergraph, child processes
 * and the autocannon run.
 */
export const HEAVY_QUERY = /* GraphQL */ `
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

export interface Started {
  child: ChildProcess;
  info: Record<string, string>;
}

const children: ChildProcess[] = [];

/** Every child started so far (killed when a bench fails). */
export function startedChildren(): readonly ChildProcess[] {
  return children;
}

/**
 * Spawns `command` and resolves once `readyFrom` finds what it waits for in the stdout so far
 * (by default a `READY {json}` line, whose object becomes `info`).
 */
export function startChild(
  command: readonly string[],
  env: Record<string, string>,
  readyFrom: (stdout: string) => Record<string, string> | undefined = readyLine,
): Promise<Started> {
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const info = readyFrom(buffered);
      if (info) resolve({ child, info });
    });
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code} before it was ready`)));
  });
}

function readyLine(stdout: string): Record<string, string> | undefined {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('READY '));
  return line ? (JSON.parse(line.slice(6)) as Record<string, string>) : undefined;
}

export async function stopChild(started: Started): Promise<void> {
  if (started.child.exitCode !== null) return;
  started.child.kill('SIGTERM');
  await new Promise((resolve) => started.child.once('exit', resolve));
}

export interface SignedTokens {
  jwks: { keys: JWK[] };
  /** The next token, round robin. */
  next(): string;
  /** Whether `next` has started over (tokens reused). */
  wrapped(): boolean;
}

/** `count` distinct ES256 tokens of 500 tenants, as plattform would sign them. */
export async function signTokens(count: number): Promise<SignedTokens> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = 'bench-key';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] };
  process.stdout.write(`signing ${count} distinct tokens...\n`);
  const tokens: string[] = [];
  const orgs = Array.from({ length: 500 }, () => randomUUID());
  for (let index = 0; index < count; index += 1) {
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
  return {
    jwks,
    next: () => {
      const token = tokens[cursor]!;
      cursor += 1;
      if (cursor === tokens.length) {
        cursor = 0;
        wrapped = true;
      }
      return token;
    },
    wrapped: () => wrapped,
  };
}

export interface BenchSubgraphs {
  started: Started;
  supergraphPath: string;
  jwksUrl: string;
  /** Subgraph requests served so far, counted by the bench subgraphs. */
  countUrl: string;
}

/** The four bench subgraphs in one child process, and their supergraph in a temporary file. */
export async function startBenchSubgraphs(jwks: { keys: JWK[] }): Promise<BenchSubgraphs> {
  const started = await startChild([process.execPath, '--import', 'tsx', join(__dirname, 'benchSubgraphs.ts')], { BENCH_JWKS: JSON.stringify(jwks) });
  const composed = composeServices(
    Object.entries(SUBGRAPHS).map(([name, typeDefs]) => ({ name, url: started.info[name]!, typeDefs: parse(typeDefs) })),
  );
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  const dir = await mkdtemp(join(tmpdir(), 'bench-federation-'));
  // Gone when the bench ends, however it ends (its gateways read the file only while it runs).
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const supergraphPath = join(dir, 'supergraph.graphql');
  await writeFile(supergraphPath, composed.supergraphSdl);
  return {
    started,
    supergraphPath,
    jwksUrl: started.info.accounts!.replace('/graphql', '/.well-known/jwks.json'),
    countUrl: started.info.accounts!.replace('/graphql', '/requests'),
  };
}

export interface RunResult {
  rps: number;
  answered: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Responses by HTTP status. */
  statusCodes: Record<string, number>;
}

/** autocannon POSTing the heavy query for `seconds`, each request with the next token. */
export async function load(url: string, nextToken: () => string, seconds: number, connections: number): Promise<RunResult> {
  const body = JSON.stringify({ query: HEAVY_QUERY, operationName: 'Heavy' });
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
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
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0])),
  };
}

export const mean = (runs: readonly RunResult[], pick: (run: RunResult) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
