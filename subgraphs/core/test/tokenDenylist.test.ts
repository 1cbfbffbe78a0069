import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createLogger, createTokenDenylist, denylistKey, type TokenDenylist } from '../src';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
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
