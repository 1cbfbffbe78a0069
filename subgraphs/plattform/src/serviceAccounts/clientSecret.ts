import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Service-account client secrets: 256 random bits with a recognisable prefix (so secret scanners
 * and people can tell what leaked). Only a SHA-256 hash is stored: for a secret of that entropy a
 * slow password hash adds nothing (there is no dictionary to try), and the exchange stays cheap.
 */
const PREFIX = 'hsa_';

export function newClientSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function clientSecretMatches(presented: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
