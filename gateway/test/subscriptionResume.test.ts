import { randomUUID } from 'node:crypto';
import { createLogger, createTokenDenylist, type TokenDenylist } from '@hub/core';
import { eventually } from '@hub/testkit/eventually';
import { SseSubscription, type SseResult } from '@hub/testkit/sseSubscription';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { WsConnections, type WsResult, type WsSubscription } from '@hub/testkit/wsSubscription';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { journalPosition, type JournalEntry } from '@hub/testkit/gateway/fixtureJournal';
import { createTestSigner, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { JOURNAL_SUBSCRIPTION, startSubscriptionFixtures, type JournalData, type SubscriptionFixtures } from '@hub/testkit/gateway/subscriptionFixtures';

type Result = WsResult<JournalData> | SseResult<JournalData>;

const seqs = (results: Result[]) => results.map((result) => result.data?.journal.seq);
const codes = (results: Result[]) => results.flatMap((result) => (result.errors ?? []).map((error) => error.extensions?.code));
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe('lossless subscriptions: event positions, resume, markers', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let denylist: TokenDenylist;
  const gateways: Array<{ gateway: Gateway; url: string }> = [];
  const connections = new WsConnections();
  const sses: Array<SseSubscription<JournalData>> = [];

  const replica = (index: number) => gateways[index]!;

  async function openSse(url: string, token: string, options: { lastEventId?: string } = {}): Promise<SseSubscription<JournalData>> {
    const sse = await SseSubscription.open<JournalData>(url, JOURNAL_SUBSCRIPTION, {}, token, { requireOk: true, ...options });
    sses.push(sse);
    return sse;
  }

  /** Records entries for `orgId`, with another tenant's entry before each (the tenant's sequence has gaps). */
  async function record(orgId: string, count: number): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = [];
    for (let index = 0; index < count; index += 1) {
      await fixtures.recordEntry(randomUUID());
      entries.push(await fixtures.recordEntry(orgId));
    }
    return entries;
  }

  /** Exactly the expected entries, once each, in order; nothing trails behind a moment later. */
  async function expectExactly(subscription: { waitFor(count: number, timeoutMs?: number): Promise<Result[]> }, expected: JournalEntry[]): Promise<void> {
    const results = await subscription.waitFor(expected.length, 15_000);
    await settle();
    expect(seqs(results)).toEqual(expected.map((entry) => entry.seq));
    for (const result of results) expect(result.extensions?.position).toBe(journalPosition(result.data!.journal.seq));
  }

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    denylist = createTokenDenylist({ redisUrl: TEST_REDIS_URL, logger: createLogger('test'), cacheMs: 0 });
    const config = gatewayConfigFrom([]);
    // Two replicas of the gateway, as behind a load balancer.
    for (let index = 0; index < 2; index += 1) {
      const gateway = await createGateway({
        config: { ...config, redisUrl: TEST_REDIS_URL, subscriptions: { ...config.subscriptions, upstreamRestoreMs: 15_000, maxPerConnection: 5 } },
        supergraphSdl: fixtures.supergraphSdl,
        verifyToken: signer.verifier,
        denylist,
      });
      gateways.push({ gateway, url: `${(await gateway.listen(0)).url}/graphql` });
    }
  });

  afterEach(async () => {
    for (const sse of sses.splice(0)) sse.close();
    await connections.closeAll();
    fixtures.journal.replayOverlap = 0;
  });

  afterAll(async () => {
    for (const { gateway } of gateways) await gateway.stop();
    await fixtures?.stop();
    await denylist?.close();
  });

  it('a subgraph restart loses nothing: every client gets every event exactly once, in order', async () => {
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const { gateway, url } = replica(0);
    const connection = connections.connect(url, token);
    const full = [connection.subscribe<JournalData>(JOURNAL_SUBSCRIPTION), connection.subscribe<JournalData>(JOURNAL_SUBSCRIPTION)];
    // Another selection: another upstream stream of its own.
    const narrow = connection.subscribe<JournalData>('subscription { journal { seq tenant } }');
    const sse = await openSse(url, token);
    await eventually(() => gateway.subscriptions.stats().subscribers === 4, 5000, 'four subscribers');
    await eventually(() => sse.lastEventId !== null, 5000, 'the head marker');
    // The marker covers only the stream SSE shares; the narrow selection's stream must have taken
    // its head too, or entries recorded now come before its start (not a loss, a later subscriber).
    await eventually(() => fixtures.journal.openStreams(orgId) === 2, 5000, 'both upstream streams open at the subgraph');
    // The subgraph replays a little before the resume point: the gateway must drop the repeats.
    fixtures.journal.replayOverlap = 2;

    const beforeStop = await record(orgId, 4);
    for (const subscription of [...full, narrow, sse]) await subscription.waitFor(4);
    const subscribedBefore = fixtures.journalSubscribeCount();
    await fixtures.stopEvents();
    const whileDown = await record(orgId, 4);
    await fixtures.startEvents();
    // Not needed for correctness (later entries would be replayed); it makes the last ones live.
    await eventually(() => fixtures.journalSubscribeCount() === subscribedBefore + 2, 10_000, 'both upstream streams resubscribed');
    const afterRestart = await record(orgId, 4);

    const expected = [...beforeStop, ...whileDown, ...afterRestart];
    for (const subscription of [...full, narrow, sse]) await expectExactly(subscription, expected);
    expect(full[0]!.results.map((result) => result.data?.journal.item.owner.name)).toEqual(expected.map((entry) => `Person owner-of-${entry.itemId}`));
    expect(sse.eventIds).toEqual(expected.map((entry) => journalPosition(entry.seq)));
    expect([...full, narrow].map((subscription) => subscription.end)).toEqual([null, null, null]);
  });

  it('an upstream drop before any event loses nothing: the marker gave the head', async () => {
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const { url } = replica(0);
    const ws = connections.connect(url, token).subscribe<JournalData>(JOURNAL_SUBSCRIPTION);
    const sse = await openSse(url, token);
    // The SSE subscriber shares the upstream stream; its id says the gateway has the head.
    await eventually(() => sse.lastEventId !== null, 5000, 'the head marker');
    const head = sse.lastEventId;
    const subscribedBefore = fixtures.journalSubscribeCount();

    await fixtures.stopEvents();
    const whileDown = await record(orgId, 3);
    await fixtures.startEvents();
    await eventually(() => fixtures.journalSubscribeCount() === subscribedBefore + 1, 10_000, 'the upstream stream resubscribed');
    const afterRestart = await record(orgId, 2);

    await expectExactly(ws, [...whileDown, ...afterRestart]);
    await expectExactly(sse, [...whileDown, ...afterRestart]);
    // Markers are never results: the WebSocket client saw only events.
    expect(ws.results.every((result) => result.data?.journal !== undefined)).toBe(true);
    // The head came before anything this tenant recorded: it is what the re-subscribe resumed from.
    expect(Number(head!.split(':')[1])).toBeLessThan(whileDown[0]!.seq);
  });

  it('an SSE client reconnecting with Last-Event-ID to another replica gets exactly the missed events, then live ones', async () => {
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const first = await openSse(replica(0).url, token);
    await eventually(() => first.lastEventId !== null, 5000, 'the head marker');
    const seen = await record(orgId, 3);
    await expectExactly(first, seen);
    expect(first.lastEventId).toBe(journalPosition(seen[2]!.seq));
    first.close();
    await eventually(() => replica(0).gateway.subscriptions.stats().subscribers === 0, 5000, 'the first connection gone');

    const missed = await record(orgId, 3);
    const live = replica(1);
    const streamsBefore = live.gateway.subscriptions.stats().upstreamStreams;
    const resumed = await openSse(live.url, token, { lastEventId: first.lastEventId! });
    await expectExactly(resumed, missed);
    expect(live.gateway.subscriptions.stats().upstreamStreams).toBe(streamsBefore + 1);
    const after = await record(orgId, 2);
    await expectExactly(resumed, [...missed, ...after]);
    expect(resumed.eventIds).toEqual([...missed, ...after].map((entry) => journalPosition(entry.seq)));
  });

  it('a WebSocket client resumes with extensions.resumeFrom on a stream of its own; live subscribers are not replayed to', async () => {
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const { gateway, url } = replica(1);
    const liveSubscriber = connections.connect(url, token).subscribe<JournalData>(JOURNAL_SUBSCRIPTION);
    await eventually(() => gateway.subscriptions.stats().subscribers === 1, 5000, 'the live subscriber');
    await fixtures.waitForJournalListeners(orgId);
    const earlier = await record(orgId, 2);
    await liveSubscriber.waitFor(2);
    const missed = await record(orgId, 2);

    const resumer = connections.connect(url, token).subscribe<JournalData>(JOURNAL_SUBSCRIPTION, {}, { resumeFrom: journalPosition(earlier[1]!.seq) });
    await expectExactly(resumer, missed);
    const after = await record(orgId, 2);
    await expectExactly(resumer, [...missed, ...after]);
    await expectExactly(liveSubscriber, [...earlier, ...missed, ...after]);
  });

  it('a resume point older than the retention ends the subscription with RESUME_POINT_EXPIRED; a malformed one with BAD_USER_INPUT', async () => {
    const orgId = randomUUID();
    const token = await signer.token({ orgId });
    const [old] = await record(orgId, 2);
    fixtures.journal.forgetAll();
    await record(orgId, 1);
    const { url } = replica(0);

    const sse = await openSse(url, token, { lastEventId: journalPosition(old!.seq) });
    await eventually(() => sse.completed, 5000, 'the SSE subscription to end');
    expect(codes(sse.results)).toEqual(['RESUME_POINT_EXPIRED']);
    expect(sse.results[0]?.errors?.[0]?.extensions?.serviceName).toBe('events');

    const connection = connections.connect(url, token);
    const expired = connection.subscribe<JournalData>(JOURNAL_SUBSCRIPTION, {}, { resumeFrom: journalPosition(old!.seq) });
    const malformed = connection.subscribe<JournalData>(JOURNAL_SUBSCRIPTION, {}, { resumeFrom: 'yesterday' });
    await expired.ended();
    await malformed.ended();
    expect(codes(expired.results)).toEqual(['RESUME_POINT_EXPIRED']);
    expect(codes(malformed.results)).toEqual(['BAD_USER_INPUT']);
    expect([expired, malformed].map((subscription: WsSubscription<JournalData>) => subscription.results.some((result) => result.data))).toEqual([false, false]);
  });
});
