import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Session } from './sessionService';

/**
 * Who presents a refresh token, as far as plattform can tell: its User-Agent (the gateway
 * forwards the client's). Not a credential: it narrows the reuse grace to the client that spent
 * the token, so a copy replayed from elsewhere still counts as theft.
 */
export interface RefreshClient {
  userAgent: string | null;
}

/** What is stored of the client: a hash, so the table keeps no browser strings. */
export function clientFingerprint(client: RefreshClient): string {
  return createHash('sha256').update(`ua:${client.userAgent ?? ''}`).digest('hex');
}

/** The key that seals a token's successor pair: derived from the presented refresh token, of which only a hash is stored. */
function sealingKey(refreshToken: string): Buffer {
  return createHash('sha256').update(`hub.refresh-successor\u0000${refreshToken}`).digest();
}

/**
 * Seals the pair a refresh token was exchanged for, so that only a holder of that refresh token
 * can open it again (a database reader cannot: the token itself is not stored).
 */
export function sealSuccessor(session: Session, refreshToken: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(refreshToken), iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

/** The sealed pair, with its access token's remaining lifetime; null when it does not open. */
export function openSuccessor(sealed: string, refreshToken: string): Session | null {
  try {
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(refreshToken), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const session = JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as Session;
    const expiresIn = Math.max(0, session.access.expiresAt - Math.floor(Date.now() / 1000));
    return { ...session, access: { ...session.access, expiresIn } };
  } catch {
    return null;
  }
}
