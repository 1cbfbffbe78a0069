import { randomUUID } from 'node:crypto';
import { createLogger, createTokenDenylist, inProcessTokenBucketLimiter, type TokenDenylist } from '@hub/core';
import WebSocket from 'ws';
import { eventually } from '@hub/testkit/eventually';
import { timePasses } from '@hub/testkit/deliberateWait';
import { SseSubscription } from '@hub/testkit/sseSubscription';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { corsOriginsFromEnv, createGateway, gatewayConfigFrom, type Gateway, type GatewayConfig, type GatewayOptions } from '../src';
import { journalPosition } from '@hub/testkit/gateway/fixtureJournal';
import { createTestSigner, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { JOURNAL_SUBSCRIPTION, startSubscriptionFixtures, type JournalData, type SubscriptionFixtures } from '@hub/testkit/gateway/subscriptionFixtures';

const DASHBOARD = 'http://localhost:4080';
const FOREIGN = 'http://evil.example.test';

describe('browser access: origins, CSRF, WebSocket upgrade and SSE subscription tickets', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let denylist: TokenDenylist;
  const gateways: Gateway[] = [];
  const streams: Array<SseSubscription<JournalData>> = [];
  let url: string;

  async function gatewayWith(config: Partial<GatewayConfig> = {}, options: Pick<GatewayOptions, 'rateLimiter'> = {}): Promise<string> {
    const gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), redisUrl: TEST_REDIS_URL, ...config },
      supergraphSdl: fixtures.supergraphSdl,
      verifyToken: signer.verifier,
      denylist,
      ...options,
    });
    gateways.push(gateway);
    return `${(await gateway.listen(0)).url}/graphql`;
  }

  async function ticketFor(gatewayUrl: string, token: string): Promise<string> {
    const response = await fetch(new URL('/subscription-tickets', gatewayUrl), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { ticket: string; expiresAt: string };
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    return body.ticket;
  }

  async function openStream(gatewayUrl: string, ticket: string, options: Parameters<typeof SseSubscription.openWithTicket>[3] = {}) {
    const opened = await SseSubscription.openWithTicket<JournalData>(gatewayUrl, JOURNAL_SUBSCRIPTION, ticket, options);
    if (opened.subscription) streams.push(opened.subscription);
    return opened;
  }

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    denylist = createTokenDenylist({ redisUrl: TEST_REDIS_URL, logger: createLogger('test'), cacheMs: 0 });
    url = await gatewayWith();
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await fixtures?.stop();
    await denylist?.close();
  });

  describe('origins', () => {
    const preflight = (origin: string) =>
      fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });

    it('development allows the dashboard origins without configuration; production needs a list', () => {
      const previous = process.env.GATEWAY_CORS_ORIGINS;
      delete process.env.GATEWAY_CORS_ORIGINS;
      try {
        expect(corsOriginsFromEnv(false)).toEqual(['http://localhost:4080', 'http://127.0.0.1:4080']);
        expect(corsOriginsFromEnv(true)).toEqual([]);
        process.env.GATEWAY_CORS_ORIGINS = 'https://app.example.test, https://ops.example.test';
        expect(corsOriginsFromEnv(true)).toEqual(['https://app.example.test', 'https://ops.example.test']);
        process.env.GATEWAY_CORS_ORIGINS = '*';
        expect(() => corsOriginsFromEnv(true)).toThrow(/not allowed/);
        process.env.GATEWAY_CORS_ORIGINS = 'https://app.example.test/path';
        expect(() => corsOriginsFromEnv(true)).toThrow(/not an origin/);
      } finally {
        if (previous === undefined) delete process.env.GATEWAY_CORS_ORIGINS;
        else process.env.GATEWAY_CORS_ORIGINS = previous;
      }
    });

    it('a preflight from an allowed origin succeeds (no CSRF refusal) and allows the bearer header', async () => {
      for (const origin of [DASHBOARD, 'http://127.0.0.1:4080']) {
        const response = await preflight(origin);
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
        expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      }
      const login = await fetch(url, { method: 'POST', headers: { origin: DASHBOARD, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(login.status).toBe(200);
      expect(login.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    });

    it('a disallowed origin gets no CORS grant and its requests are refused with ORIGIN_NOT_ALLOWED', async () => {
      const response = await preflight(FOREIGN);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(url, { method: 'POST', headers: { origin: FOREIGN, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(post.status).toBe(403);
      expect(((await post.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('ORIGIN_NOT_ALLOWED');
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      // The gateway's own origin (GraphiQL) is same-origin, not cross-origin.
      const own = await fetch(url, { method: 'POST', headers: { origin: new URL(url).origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(own.status).toBe(200);
    });

    it('CSRF prevention still refuses simple requests, also from an allowed origin', async () => {
      const simpleGet = await fetch(`${url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: DASHBOARD } });
      expect(simpleGet.status).toBe(403);
      const textPlain = await fetch(url, { method: 'POST', headers: { origin: DASHBOARD, 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(textPlain.status).toBe(403);
      expect(await textPlain.text()).toMatch(/CSRF/);
    });

    it('the WebSocket upgrade checks Origin against the same list', async () => {
      const upgrade = (origin?: string) =>
        new Promise<number>((resolve, reject) => {
          const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
          socket.once('open', () => {
            socket.close();
            resolve(101);
          });
          socket.once('unexpected-response', (_request, response) => {
            resolve(response.statusCode ?? 0);
            socket.terminate();
          });
          socket.once('error', reject);
        });
      expect(await upgrade(FOREIGN)).toBe(403);
      expect(await upgrade(DASHBOARD)).toBe(101);
      expect(await upgrade(new URL(url).origin)).toBe(101);
      // Not a browser (no Origin): servers and workers connect as before.
      expect(await upgrade()).toBe(101);
    });
  });

  describe('subscription tickets (plain EventSource)', () => {
    it('a ticket opens an event stream without Authorization or a CSRF header, once', async () => {
      const orgId = randomUUID();
      const ticket = await ticketFor(url, await signer.token({ orgId }));
      const opened = await openStream(url, ticket);
      expect(opened.status).toBe(200);
      await fixtures.waitForJournalListeners(orgId);
      const entry = await fixtures.recordEntry(orgId);
      await fixtures.recordEntry(randomUUID());
      const [result] = await opened.subscription!.waitFor(1, 10_000);
      expect(result!.data?.journal).toMatchObject({ seq: entry.seq, tenant: orgId });

      const reused = await openStream(url, ticket);
      expect(reused.status).toBe(401);
      expect(reused.body).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'TICKET_INVALID' } }] });
    });

    it('no ticket without a valid token; an unknown ticket is refused', async () => {
      const anonymous = await fetch(new URL('/subscription-tickets', url), { method: 'POST' });
      expect(anonymous.status).toBe(401);
      const forged = await fetch(new URL('/subscription-tickets', url), { method: 'POST', headers: { authorization: 'Bearer not-a-token' } });
      expect(forged.status).toBe(401);
      expect((await openStream(url, 'x'.repeat(43))).status).toBe(401);
    });

    it('refused attempts count against the address, issued tickets against the tenant (RATE_LIMITED, Retry-After)', async () => {
      // Its own in-process limiter: the shared Redis counts 127.0.0.1 for every test process.
      const limitedUrl = await gatewayWith({ rateLimit: { limit: 3, windowSeconds: 60 } }, { rateLimiter: inProcessTokenBucketLimiter() });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await openStream(limitedUrl, `guess-${attempt}`)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const limited = await fetch(new URL('/subscription-tickets', limitedUrl), { method: 'POST', headers: { authorization: 'Bearer forged' } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limited.json()).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });

      const token = await signer.token();
      const issued: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        issued.push((await fetch(new URL('/subscription-tickets', limitedUrl), { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status);
      }
      expect(issued).toEqual([201, 201, 201, 429]);
    });

    it('without the ticket store (Redis down) the answer is 503 UNAVAILABLE, never a crash', async () => {
      const noRedis = await gatewayWith({ redisUrl: 'redis://127.0.0.1:1' }, { rateLimiter: inProcessTokenBucketLimiter() });
      const issue = await fetch(new URL('/subscription-tickets', noRedis), { method: 'POST', headers: { authorization: `Bearer ${await signer.token()}` } });
      expect(issue.status).toBe(503);
      expect(await issue.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAVAILABLE' } }] });
      const redeem = await openStream(noRedis, 'y'.repeat(43));
      expect(redeem.status).toBe(503);
    });

    it('an expired ticket is refused', async () => {
      const shortLived = await gatewayWith({ subscriptionTicketTtlSeconds: 1 });
      const ticket = await ticketFor(shortLived, await signer.token());
      // The TTL is configured in whole seconds (1 s is the shortest) and runs in Redis's clock (PX,
      // set before the answer came back); a try before it expires would spend the single-use ticket,
      // so time has to pass rather than a condition be polled.
      await timePasses(1100, 'the 1 s ticket TTL in Redis');
      const opened = await openStream(shortLived, ticket);
      expect(opened.status).toBe(401);
      expect(opened.body).toMatchObject({ errors: [{ extensions: { reason: 'TICKET_INVALID' } }] });
    });

    it('a ticket never outlives its token', async () => {
      const expiresAt = Math.floor(Date.now() / 1000) + 2;
      const response = await fetch(new URL('/subscription-tickets', url), { method: 'POST', headers: { authorization: `Bearer ${await signer.token({ expiresAt })}` } });
      const body = (await response.json()) as { expiresAt: string };
      expect(Date.parse(body.expiresAt)).toBeLessThanOrEqual(expiresAt * 1000);
    });

    it('another tenant cannot use the ticket', async () => {
      const ticket = await ticketFor(url, await signer.token({ orgId: randomUUID() }));
      const other = await signer.token({ orgId: randomUUID() });
      const opened = await openStream(url, ticket, { authorization: `Bearer ${other}` });
      expect(opened.status).toBe(403);
      expect(opened.body).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN', reason: 'TICKET_NOT_YOURS' } }] });
      // Refused is spent: it cannot be tried again without the other token either.
      expect((await openStream(url, ticket)).status).toBe(401);
    });

    it('a ticket redeemed on another gateway replica works once (shared store)', async () => {
      const replica = await gatewayWith();
      const ticket = await ticketFor(url, await signer.token());
      expect((await openStream(replica, ticket)).status).toBe(200);
      expect((await openStream(url, ticket)).status).toBe(401);
    });

    it('revoking the token ends the stream; a ticket of a revoked token opens nothing', async () => {
      const orgId = randomUUID();
      const jti = randomUUID();
      const token = await signer.token({ orgId, jti });
      const spare = await ticketFor(url, token);
      const opened = await openStream(url, await ticketFor(url, token));
      expect(opened.status).toBe(200);
      await fixtures.waitForJournalListeners(orgId);
      await denylist.revoke(jti, Math.floor(Date.now() / 1000) + 600);
      const stream = opened.subscription!;
      await eventually(() => stream.completed, 8000, 'the stream ends');
      expect(stream.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
      const afterRevocation = await openStream(url, spare);
      expect(afterRevocation.status).toBe(401);
    });

    it('resumes after the last event: Last-Event-ID header or extensions.resumeFrom in the URL', async () => {
      const orgId = randomUUID();
      const token = await signer.token({ orgId });
      const first = await openStream(url, await ticketFor(url, token));
      await fixtures.waitForJournalListeners(orgId);
      const before = [await fixtures.recordEntry(orgId), await fixtures.recordEntry(orgId)];
      await first.subscription!.waitFor(2, 10_000);
      const lastEventId = first.subscription!.lastEventId!;
      expect(lastEventId).toBe(journalPosition(before[1]!.seq));
      first.subscription!.close();
      const missed = [await fixtures.recordEntry(orgId), await fixtures.recordEntry(orgId)];

      const byHeader = await openStream(url, await ticketFor(url, token), { lastEventId });
      const byParam = await openStream(url, await ticketFor(url, token), { extensions: { resumeFrom: lastEventId } });
      for (const resumed of [byHeader, byParam]) {
        expect(resumed.status).toBe(200);
        const results = await resumed.subscription!.waitFor(2, 10_000);
        expect(results.map((result) => result.data?.journal.seq)).toEqual(missed.map((entry) => entry.seq));
      }
    });
  });
});
