import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { buildOperationManifest } from '../src/persistedOperations/operationManifest';
import { createTestSigner, type TestSigner } from '@hub/testkit/gateway/fixtureSubgraphs';
import { RawSocket } from '@hub/testkit/gateway/rawSocket';
import { startSubscriptionFixtures, TICKS_SUBSCRIPTION, type SubscriptionFixtures } from '@hub/testkit/gateway/subscriptionFixtures';

describe('graphql-transport-ws protocol errors at the gateway', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let gateway: Gateway;
  let url: string;
  const sockets: RawSocket[] = [];
  const open = (protocol?: string | null) => {
    const socket = new RawSocket(url, protocol);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    const config = gatewayConfigFrom([]);
    gateway = await createGateway({
      config: { ...config, redisUrl: TEST_REDIS_URL, limits: { ...config.limits, maxBodyBytes: 4096 } },
      supergraphSdl: fixtures.supergraphSdl,
      verifyToken: signer.verifier,
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await gateway?.stop();
    await fixtures?.stop();
  });

  it('closes with 4400 on an unknown message type and on a message that is not JSON', async () => {
    const unknown = open();
    await unknown.init();
    await unknown.send({ type: 'shout', payload: {} });
    expect((await unknown.closed).code).toBe(4400);

    const garbage = open();
    await garbage.init();
    await garbage.send('{not json');
    expect((await garbage.closed).code).toBe(4400);
  });

  it('closes with 4401 when subscribing before connection_init', async () => {
    const socket = open();
    await socket.send({ id: '1', type: 'subscribe', payload: { query: TICKS_SUBSCRIPTION } });
    expect(await socket.closed).toEqual({ code: 4401, reason: 'Unauthorized' });
  });

  it('closes with 4409 when an operation id is reused while it is still running', async () => {
    const socket = open();
    await socket.init(await signer.token({ orgId: randomUUID() }));
    await socket.send({ id: 'same', type: 'subscribe', payload: { query: TICKS_SUBSCRIPTION } });
    await socket.send({ id: 'same', type: 'subscribe', payload: { query: TICKS_SUBSCRIPTION } });
    expect(await socket.closed).toEqual({ code: 4409, reason: 'Subscriber for same already exists' });
  });

  it('closes with 4429 on a second connection_init and 1009 on an oversized frame', async () => {
    const twice = open();
    await twice.init();
    await twice.send({ type: 'connection_init' });
    expect((await twice.closed).code).toBe(4429);

    const oversized = open();
    await oversized.init();
    await oversized.send({ id: '1', type: 'subscribe', payload: { query: `subscription { ticks { seq } } # ${'x'.repeat(10_000)}` } });
    expect((await oversized.closed).code).toBe(1009);
  });

  it('refuses a WebSocket without the graphql-transport-ws subprotocol (4406)', async () => {
    const socket = open(null);
    expect(await socket.closed).toEqual({ code: 4406, reason: 'Subprotocol not acceptable' });
  });

  it('answers an invalid document with an error message and keeps the connection usable', async () => {
    const orgId = randomUUID();
    const socket = open();
    await socket.init(await signer.token({ orgId }));
    await socket.send({ id: 'bad', type: 'subscribe', payload: { query: 'subscription { nope }' } });
    const error = await socket.waitFor((message) => message.id === 'bad');
    expect(error.type).toBe('error');
    expect(JSON.stringify(error.payload)).toContain('nope');
    await socket.send({ id: 'good', type: 'subscribe', payload: { query: 'subscription { ticks { seq } }' } });
    await fixtures.waitForListeners(orgId);
    await fixtures.publishTick(orgId, 3);
    const next = await socket.waitFor((message) => message.id === 'good');
    expect(next).toEqual({ id: 'good', type: 'next', payload: { data: { ticks: { seq: 3 } } } });
  });
});

describe('WebSocket subscriptions in safelist mode', () => {
  let signer: TestSigner;
  let fixtures: SubscriptionFixtures;
  let gateway: Gateway;
  let url: string;
  let sha256Hash: string;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    signer = await createTestSigner();
    fixtures = await startSubscriptionFixtures(signer.verifier, TEST_REDIS_URL);
    const { manifest, byName } = buildOperationManifest([TICKS_SUBSCRIPTION]);
    sha256Hash = byName.Ticks!;
    const dir = await mkdtemp(join(tmpdir(), 'safelist-'));
    const manifestPath = join(dir, 'manifest.json');
    await writeFile(manifestPath, JSON.stringify(manifest));
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), redisUrl: TEST_REDIS_URL, persistedOperationsPath: manifestPath },
      supergraphSdl: fixtures.supergraphSdl,
      verifyToken: signer.verifier,
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await gateway?.stop();
    await fixtures?.stop();
  });

  it('runs a listed hash and refuses a raw document, as over HTTP', async () => {
    const orgId = randomUUID();
    const socket = new RawSocket(url);
    sockets.push(socket);
    await socket.init(await signer.token({ orgId }));
    await socket.send({ id: 'raw', type: 'subscribe', payload: { query: 'subscription { ticks { seq } }' } });
    expect(await socket.waitFor((message) => message.id === 'raw')).toEqual({
      id: 'raw',
      type: 'error',
      payload: [expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_ONLY' } })],
    });
    await socket.send({ id: 'unknown', type: 'subscribe', payload: { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } } });
    expect((await socket.waitFor((message) => message.id === 'unknown')).payload).toEqual([
      expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }),
    ]);
    await socket.send({ id: 'listed', type: 'subscribe', payload: { query: '', extensions: { persistedQuery: { version: 1, sha256Hash } } } });
    await fixtures.waitForListeners(orgId);
    await fixtures.publishTick(orgId, 9);
    const next = await socket.waitFor((message) => message.id === 'listed');
    expect(next).toMatchObject({ type: 'next', payload: { data: { ticks: { seq: 9, tenant: orgId, item: { name: 'item i9' } } } } });
  });
});
