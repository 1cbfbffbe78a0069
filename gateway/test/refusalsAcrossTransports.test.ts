import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@hub/core';
import Redis from 'ioredis';
import { eventually } from '@hub/testkit/eventually';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { WsConnections } from '@hub/testkit/wsSubscription';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { buildOperationManifest } from '../src/persistedOperations/operationManifest';
import { redisSlidingWindowLimiter } from '../src/rateLimit/slidingWindowLimiter';
import { composeFixtures, createTestSigner, post, startFixtureSubgraph, type FixtureSubgraph, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';

/**
 * Issue 20: one plugin chain serves every transport, so a refusal over HTTP is the same refusal
 * (error code and metric) over SSE and WebSocket. Each row is one refusal, run over all three.
 */

const TYPE_DEFS = /* GraphQL */ `
  type Query { publicNote: String slowNote: String }
  type Note { text: String reply: Note }
  type Profile { name: String }
  type Subscription {
    notes: Note
    profileChanges: Profile @authenticated
    secrets: String @requiresScopes(scopes: [["secrets.read"]])
  }
`;

const NOTES = 'subscription Notes { notes { text } }';
const PROFILE = 'subscription Profile { profileChanges { name } }';
const SECRETS = 'subscription Secrets { secrets }';
/** One level deeper than the default GATEWAY_MAX_DEPTH (12). */
const TOO_DEEP = `subscription Deep { notes { ${'reply { '.repeat(12)}text${' }'.repeat(12)} } }`;
const RATE_LIMIT = 2;

type Transport = 'http' | 'sse' | 'websocket';
const TRANSPORTS: Transport[] = ['http', 'sse', 'websocket'];

interface Operation {
  query: string;
  extensions?: Record<string, unknown>;
}

interface Refusal {
  name: string;
  code: string;
  operation: Operation;
  token?: (signer: TestSigner) => Promise<string>;
  /** Safelist mode: only the manifest's operations run. */
  safelist?: boolean;
  rateLimit?: number;
  /** Admission control with one slot per caller and no queue. */
  admission?: boolean;
  /** An operation the same caller sends first, over the same transport, and leaves running (it holds a slot). */
  hold?: Operation;
  /** Operations the same caller sends first, over the same transport, and the codes they get. */
  before?: Array<{ operation: Operation; codes: string[] }>;
  /** How much `gateway_rate_limited_total` grows (`gateway_request_errors_total` grows by one for the code, always). */
  rateLimitedDelta: number;
}

const REFUSALS: Refusal[] = [
  { name: 'an operation limit (depth)', code: 'MAX_DEPTH_EXCEEDED', operation: { query: TOO_DEEP }, rateLimitedDelta: 0 },
  { name: 'a raw document in safelist mode', code: 'PERSISTED_QUERY_ONLY', operation: { query: NOTES }, safelist: true, rateLimitedDelta: 0 },
  {
    name: 'an unknown hash in safelist mode',
    code: 'PERSISTED_QUERY_NOT_FOUND',
    operation: { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } },
    safelist: true,
    rateLimitedDelta: 0,
  },
  { name: 'a missing token where a field needs one', code: 'UNAUTHENTICATED', operation: { query: PROFILE }, rateLimitedDelta: 0 },
  { name: 'a token that does not verify', code: 'UNAUTHENTICATED', operation: { query: PROFILE }, token: async () => 'not-a-jwt', rateLimitedDelta: 0 },
  {
    name: 'a missing scope',
    code: 'FORBIDDEN',
    operation: { query: SECRETS },
    token: (signer) => signer.token({ scopes: ['notes.read'] }),
    rateLimitedDelta: 0,
  },
  {
    name: 'the rate limit',
    code: 'RATE_LIMITED',
    operation: { query: NOTES },
    rateLimit: RATE_LIMIT,
    before: Array.from({ length: RATE_LIMIT }, () => ({ operation: { query: '{ publicNote }' }, codes: [] })),
    rateLimitedDelta: 1,
  },
  {
    name: 'the rate limit, used up by refused operations',
    code: 'RATE_LIMITED',
    operation: { query: '{ publicNote }' },
    rateLimit: RATE_LIMIT,
    before: Array.from({ length: RATE_LIMIT }, () => ({ operation: { query: '{ nope }' }, codes: ['GRAPHQL_VALIDATION_FAILED'] })),
    rateLimitedDelta: 1,
  },
  {
    name: "admission control (the caller's one slot is taken)",
    code: 'OVERLOADED',
    operation: { query: '{ publicNote }' },
    admission: true,
    hold: { query: '{ slowNote }' },
    rateLimitedDelta: 0,
  },
];

/** The error codes one operation is answered with over one transport (a refused WebSocket connection: its close reason). */
type Send = (url: string, operation: Operation, token?: string) => Promise<string[]>;

const codesOf = (errors: Array<{ extensions?: Record<string, unknown> }> | undefined) => (errors ?? []).map((error) => String(error.extensions?.code));

describe('every refusal is the same over HTTP, SSE and WebSocket', () => {
  let signer: TestSigner;
  let subgraph: FixtureSubgraph;
  let supergraphSdl: string;
  let manifestPath: string;
  let gateway: Gateway | undefined;
  const connections = new WsConnections();

  const send: Record<Transport, Send> = {
    http: async (url, operation, token) => {
      const { body } = await post(url, operation, token ? { authorization: `Bearer ${token}` } : {});
      return codesOf(body.errors);
    },
    sse: async (url, operation, token) => {
      const subscription = await SseSubscription.open<unknown>(url, operation.query, {}, token, { extensions: operation.extensions });
      if (subscription.refused) return codesOf(subscription.refused.body?.errors);
      try {
        await subscription.waitFor(1);
        return codesOf(subscription.results[0]?.errors);
      } finally {
        subscription.close();
      }
    },
    websocket: async (url, operation, token) => {
      const connection = connections.connect(url, token);
      const subscription = connection.subscribe<unknown>(operation.query, {}, operation.extensions);
      await subscription.waitFor(1);
      if (subscription.results.length > 0) return codesOf(subscription.results[0]?.errors);
      const end = subscription.end;
      if (end?.kind === 'error' && Array.isArray(end.error)) return codesOf(end.error as Array<{ extensions?: Record<string, unknown> }>);
      // Refused at connection_init: the close reason carries the code.
      await eventually(() => connection.closes.length > 0, 5000, 'the socket to close');
      return [connection.closes[0]!.reason];
    },
  };

  /** `slowNote` answers once the test opens the gate; `slowCalls` counts how many reached the subgraph. */
  let slowCalls = 0;
  let openGate = () => {};
  let gate = Promise.resolve();

  beforeAll(async () => {
    signer = await createTestSigner();
    subgraph = await startFixtureSubgraph('notes', TYPE_DEFS, {
      Query: {
        publicNote: () => 'hello',
        slowNote: async () => {
          slowCalls += 1;
          await gate;
          return 'finally';
        },
      },
    });
    supergraphSdl = composeFixtures([subgraph]);
    const { manifest } = buildOperationManifest([NOTES]);
    const dir = await mkdtemp(join(tmpdir(), 'refusals-'));
    manifestPath = join(dir, 'manifest.json');
    await writeFile(manifestPath, JSON.stringify(manifest));
  });
  afterEach(async () => {
    // A failed row must not leave its held operation waiting on the subgraph.
    openGate();
    await connections.closeAll();
    await gateway?.stop();
    gateway = undefined;
  });
  afterAll(async () => {
    await subgraph.stop();
  });

  /** `name`'s samples summed, those with `code` only when given. */
  const metricTotal = async (metrics: Gateway['metrics'], name: string, code?: string) => {
    const metric = metrics.registry.getSingleMetric(name);
    if (!metric) throw new Error(`no metric ${name}`);
    const { values } = await metric.get();
    return values.filter((value) => code === undefined || value.labels.code === code).reduce((sum, value) => sum + value.value, 0);
  };
  const counts = async (metrics: Gateway['metrics'], code: string) => ({
    rateLimited: await metricTotal(metrics, 'gateway_rate_limited_total'),
    errorsWithCode: await metricTotal(metrics, 'gateway_request_errors_total', code),
  });

  it('a WebSocket operation refused after admission (no operation to pick) gives its slot back', async () => {
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), admission: { ...gatewayConfigFrom([]).admission, perCaller: 1, queuePerCaller: 0 } },
      supergraphSdl,
      verifyToken: signer.verifier,
      logger: createLogger('test'),
    });
    const url = `${(await gateway.listen(0)).url}/graphql`;
    // graphql-ws would answer this one itself without executing it; yoga's chain refuses it first.
    const ambiguous = { query: 'query A { publicNote } query B { publicNote }' };
    const overHttp = await send.http(url, ambiguous);
    expect(overHttp).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    for (let attempt = 0; attempt < 3; attempt += 1) expect(await send.websocket(url, ambiguous)).toEqual(overHttp);
    // With one place per caller, a slot kept by any of them would refuse this one.
    expect(await send.websocket(url, { query: '{ publicNote }' })).toEqual([]);
  });

  describe.each(REFUSALS)('$name', (refusal) => {
    it.each(TRANSPORTS)(`is ${refusal.code} over %s`, async (transport) => {
      // A gateway of its own: its rate limit counters start empty, whatever ran before.
      gateway = await createGateway({
        config: {
          ...gatewayConfigFrom([]),
          rateLimit: { limit: refusal.rateLimit ?? 1000, windowSeconds: 60 },
          ...(refusal.safelist ? { persistedOperationsPath: manifestPath } : {}),
          ...(refusal.admission ? { admission: { ...gatewayConfigFrom([]).admission, perCaller: 1, queuePerCaller: 0 } } : {}),
        },
        supergraphSdl,
        verifyToken: signer.verifier,
        rateLimiter: redisSlidingWindowLimiter(new Redis(TEST_REDIS_URL), `hub:test:refusals:${randomUUID()}:`),
        logger: createLogger('test'),
      });
      const url = `${(await gateway.listen(0)).url}/graphql`;
      const token = refusal.token ? await refusal.token(signer) : undefined;
      for (const { operation, codes } of refusal.before ?? []) expect(await send[transport](url, operation, token)).toEqual(codes);
      let held: Promise<string[]> | undefined;
      if (refusal.hold) {
        gate = new Promise((resolve) => (openGate = resolve));
        const calls = slowCalls;
        held = send[transport](url, refusal.hold, token);
        await eventually(() => slowCalls === calls + 1, 5000, 'the held operation at the subgraph');
      }
      const before = await counts(gateway.metrics, refusal.code);

      expect(await send[transport](url, refusal.operation, token)).toEqual([refusal.code]);
      const after = await counts(gateway.metrics, refusal.code);
      expect({ rateLimited: after.rateLimited - before.rateLimited, errorsWithCode: after.errorsWithCode - before.errorsWithCode }).toEqual({
        rateLimited: refusal.rateLimitedDelta,
        errorsWithCode: 1,
      });
      if (held) {
        // The slot's holder was never disturbed: it completes once the subgraph answers.
        openGate();
        expect(await held).toEqual([]);
        // And its slot was given back: the same operation is admitted now.
        expect(await send[transport](url, refusal.operation, token)).toEqual([]);
      }
    });
  });
});
