import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createLogger, createTokenDenylist, denylistKey, type TokenDenylist } from '../src';
import { eventually } from '@hub/testkit/eventually';
import { RedisServer } from '@hub/testkit/redisServer';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';
import { machineTime } from '@hub/testkit/machineTime';

const REDIS_URL = TEST_REDIS_URL;
const logger = createLogger('denylist-test');

describe('token denylist', () => {
  let denylist: TokenDenylist;
  let redis: Redis;

  const isRevoked = async (list: TokenDenylist, jti: string) => (await list.lookup([jti])).revoked.has(jti);

  beforeAll(async () => {
    denylist = createTokenDenylist({ redisUrl: REDIS_URL, logger, cacheMs: 0 });
    redis = new Redis(REDIS_URL);
    // As plattform does: this shared list is complete (these tests only add entries).
    await denylist.completeRebuild(await denylist.beginRebuild(), 60_000);
  });
  afterAll(async () => {
    await denylist.close();
    redis.disconnect();
  });

  it('stores a revoked jti in Redis for the rest of the token lifetime', async () => {
    const jti = randomUUID();
    expect(await isRevoked(denylist, jti)).toBe(false);
    await denylist.revoke(jti, Math.floor(Date.now() / 1000) + 600);
    expect(await isRevoked(denylist, jti)).toBe(true);
    const ttl = await redis.ttl(denylistKey(jti));
    expect(ttl).toBeGreaterThan(600);
    expect(ttl).toBeLessThanOrEqual(631);
  });

  it('is seen by another process reading the same Redis key', async () => {
    const jti = randomUUID();
    await redis.set(denylistKey(jti), '1', 'EX', 60);
    expect(await isRevoked(denylist, jti)).toBe(true);
  });

  it('finds the revoked ids among thousands in bulk (more ids than one MGET carries)', async () => {
    const jtis = Array.from({ length: 2500 }, () => randomUUID());
    const revoked = [jtis[0]!, jtis[1500]!, jtis[2499]!];
    for (const jti of revoked) await denylist.revoke(jti, Math.floor(Date.now() / 1000) + 60);
    expect([...(await denylist.lookup(jtis)).revoked].sort()).toEqual([...revoked].sort());
    expect(await denylist.lookup([])).toEqual({ revoked: new Set(), unknown: new Set() });
  });

  it('keeps an in-process list when no Redis is configured', async () => {
    const local = createTokenDenylist({ logger });
    const jti = randomUUID();
    await local.revoke(jti, Math.floor(Date.now() / 1000) + 60);
    expect(await isRevoked(local, jti)).toBe(true);
    expect(await isRevoked(local, randomUUID())).toBe(false);
    expect(await local.lookup([randomUUID(), jti])).toEqual({ revoked: new Set([jti]), unknown: new Set() });
  });
});

describe('token denylist completeness lease (a private Redis, killed and restarted)', () => {
  let server: RedisServer;
  let reader: TokenDenylist;
  let writer: TokenDenylist;
  const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

  beforeAll(async () => {
    server = await RedisServer.start();
    reader = createTokenDenylist({ redisUrl: server.url, logger, cacheMs: 2000 });
    writer = createTokenDenylist({ redisUrl: server.url, logger });
  });
  afterAll(async () => {
    await reader.close();
    await writer.close();
    await server.kill();
  });

  it('vouches for a missing entry only under the lease; an entry is a revocation either way', async () => {
    const [revoked, other] = [randomUUID(), randomUUID()];
    await writer.revoke(revoked, inAMinute());
    expect(await reader.lookup([revoked, other])).toEqual({ revoked: new Set([revoked]), unknown: new Set([other]) });
    const ticket = await writer.beginRebuild();
    // Mid-rebuild the list is not complete yet.
    expect((await reader.lookup([randomUUID()])).unknown.size).toBe(1);
    expect(await writer.completeRebuild(ticket, 60_000)).toBe(true);
    expect(await reader.lookup([revoked, other])).toEqual({ revoked: new Set([revoked]), unknown: new Set() });
    expect(await writer.renewCompleteness(60_000)).toBe(true);
  });

  it('never reuses a "not revoked" answer past the lease', async () => {
    await writer.completeRebuild(await writer.beginRebuild(), 300);
    const jti = randomUUID();
    expect((await reader.lookup([jti])).unknown.size).toBe(0);
    await eventually(async () => (await reader.lookup([jti])).unknown.has(jti), 2000, 'the lease to lapse');
    // A lapsed lease is not renewed: only a rebuild grants it again.
    expect(await writer.renewCompleteness(60_000)).toBe(false);
  });

  it('a Redis that hangs (SIGSTOP) makes the reader blind within its command timeout, not stall it', async () => {
    await writer.completeRebuild(await writer.beginRebuild(), 60_000);
    const jti = randomUUID();
    expect((await reader.lookup([jti])).unknown.size).toBe(0);
    server.pause();
    try {
      const other = randomUUID();
      const started = Date.now();
      expect(await reader.lookup([other])).toEqual({ revoked: new Set(), unknown: new Set([other]) });
      expect(Date.now() - started).toBeLessThan(machineTime(1500));
    } finally {
      server.resume();
    }
    await eventually(async () => (await reader.lookup([randomUUID()])).unknown.size === 0, 5000, 'the reader to trust Redis again');
  });

  it('a restart loses the lease (readers are blind, not fooled), and a rebuild cut by a restart is not granted', async () => {
    await writer.completeRebuild(await writer.beginRebuild(), 60_000);
    const [revoked, seen] = [randomUUID(), randomUUID()];
    await writer.revoke(revoked, inAMinute());
    await writer.revoke(seen, inAMinute());
    // The reader has met one of them revoked; it remembers that through the outage.
    expect((await reader.lookup([seen])).revoked).toEqual(new Set([seen]));
    const ticket = await writer.beginRebuild();
    await server.kill('SIGKILL');
    expect(await reader.lookup([revoked, seen])).toEqual({ revoked: new Set([seen]), unknown: new Set([revoked]) });
    await server.restart();
    await eventually(async () => writer.renewCompleteness(60_000).then(() => true, () => false), 5000, 'the writer to reconnect');
    // Redis came back empty: the entry is gone, and the reader knows it cannot vouch for anything.
    await eventually(async () => (await reader.lookup([revoked])).unknown.has(revoked), 5000, 'the reader to reconnect');
    expect(await writer.completeRebuild(ticket, 60_000)).toBe(false);
    expect(await writer.renewCompleteness(60_000)).toBe(false);
  });
});
