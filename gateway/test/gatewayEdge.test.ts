import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@hub/core';
import pino from 'pino';
import { createGateway, gatewayConfigFrom, type Gateway, type GatewayConfig } from '../src';
import { buildOperationManifest, operationHash } from '../src/persistedOperations/operationManifest';
import { composeFixtures, createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph } from '@hub/testkit/gateway/fixtureSubgraphs';

const TYPE_DEFS = 'type Query { ping: String boom: String }';

describe('gateway edge: persisted operations, CSRF, CORS, masking, logs and metrics', () => {
  let subgraph: FixtureSubgraph;
  let supergraphSdl: string;
  const started: Gateway[] = [];

  beforeAll(async () => {
    subgraph = await startFixtureSubgraph('edge', TYPE_DEFS, {
      Query: {
        ping: () => 'pong',
        boom: () => {
          throw new Error('relation "secret_table" does not exist');
        },
      },
    });
    supergraphSdl = composeFixtures([subgraph]);
  });
  afterAll(async () => {
    for (const gateway of started) await gateway.stop();
    await subgraph.stop();
  });

  async function gatewayWith(config: Partial<GatewayConfig>, logger = createLogger('test')): Promise<string> {
    const signer = await createTestSigner();
    const gateway = await createGateway({ config: { ...gatewayConfigFrom([]), ...config }, supergraphSdl, verifyToken: signer.verifier, logger });
    started.push(gateway);
    return `${(await gateway.listen(0)).url}/graphql`;
  }

  it('safelist mode: a listed hash runs, an unknown hash and a raw query are refused', async () => {
    const { manifest, byName } = buildOperationManifest(['query Ping { ...P } fragment P on Query { ping }']);
    expect(Object.keys(manifest.operations)).toEqual([byName.Ping]);
    expect(operationHash(manifest.operations[byName.Ping!]!)).toBe(byName.Ping);
    const dir = await mkdtemp(join(tmpdir(), 'manifest-'));
    const path = join(dir, 'manifest.json');
    await writeFile(path, JSON.stringify(manifest));
    const url = await gatewayWith({ persistedOperationsPath: path });

    const listed = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: byName.Ping } } });
    expect(listed.body).toEqual({ data: { ping: 'pong' } });
    const unknown = await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const raw = await post(url, { query: '{ ping }' });
    expect(raw.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('a manifest whose entry does not match its hash is refused at start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'manifest-'));
    const path = join(dir, 'manifest.json');
    await writeFile(path, JSON.stringify({ format: 1, operations: { ['0'.repeat(64)]: '{ ping }' } }));
    await expect(gatewayWith({ persistedOperationsPath: path })).rejects.toThrow(/does not hash/);
  });

  it('CSRF: a simple GET without a preflight header is refused; with it, served', async () => {
    const url = await gatewayWith({});
    const simple = await fetch(`${url}?query=${encodeURIComponent('{ ping }')}`);
    expect(simple.status).toBe(403);
    const withHeader = await fetch(`${url}?query=${encodeURIComponent('{ ping }')}`, { headers: { 'x-graphql-csrf': '1' } });
    expect(await withHeader.json()).toEqual({ data: { ping: 'pong' } });
  });

  it('CORS: only allow-listed origins get access', async () => {
    const url = await gatewayWith({ corsOrigins: ['https://app.example.test'] });
    const preflight = (origin: string) =>
      fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect((await preflight('https://app.example.test')).headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    expect((await preflight('https://evil.example.test')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example.test');
  });

  it('subgraph errors never leak internals, and every request is logged with id, tenant, operation and duration', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => { lines.push(String(chunk)); done(); } }));
    const url = await gatewayWith({}, logger);
    const result = await post(url, { query: 'query Boom { ping boom }' }, { 'x-request-id': 'log-me-1' });
    expect(result.body.data).toEqual({ ping: 'pong', boom: null });
    expect(JSON.stringify(result.body)).not.toMatch(/secret_table|stacktrace/);

    const line = lines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.requestId === 'log-me-1');
    expect(line).toMatchObject({ msg: 'graphql request', operationName: 'Boom', status: 200 });
    expect(typeof line?.durationMs).toBe('number');
    const metrics = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_requests_total\{operation="Boom",outcome="error"\} 1/);
    expect(metrics).toMatch(/gateway_request_duration_seconds_count\{operation="Boom"\} 1/);
    expect(metrics).toMatch(/gateway_subgraph_request_duration_seconds_count\{subgraph="edge"\} 1/);
  });
});
