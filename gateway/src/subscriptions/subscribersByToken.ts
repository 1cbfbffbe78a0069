import type { Subscriber } from './sharedUpstreamStream';

interface TokenEntry {
  tokenId: string;
  /** The token's `exp` (epoch seconds); the same for every subscriber holding it. */
  expiresAt: number;
  /** The token's `iat` (epoch seconds): while the denylist is blind, its age decides. */
  issuedAt: number;
  subscribers: Set<Subscriber>;
}

/**
 * Open subscribers by access-token id, kept up to date as they come and go, so the per-second
 * token sweep reads an index instead of rebuilding one: with 10,000 subscribers the rebuild cost
 * 10,000 arrays a second, which lived across the denylist round trip and so were promoted to the
 * old generation, adding to the full collections that delay event delivery.
 */
export class SubscribersByToken {
  private readonly tokens = new Map<string, TokenEntry>();

  add(subscriber: Subscriber): void {
    const identity = subscriber.identity;
    if (!identity) return;
    let entry = this.tokens.get(identity.tokenId);
    if (!entry) {
      entry = { tokenId: identity.tokenId, expiresAt: identity.expiresAt, issuedAt: identity.issuedAt, subscribers: new Set() };
      this.tokens.set(identity.tokenId, entry);
    }
    entry.subscribers.add(subscriber);
  }

  remove(subscriber: Subscriber): void {
    const tokenId = subscriber.identity?.tokenId;
    if (tokenId === undefined) return;
    const entry = this.tokens.get(tokenId);
    if (!entry) return;
    entry.subscribers.delete(subscriber);
    if (entry.subscribers.size === 0) this.tokens.delete(tokenId);
  }

  /** Every token id with open subscribers. */
  tokenIds(): IterableIterator<string> {
    return this.tokens.keys();
  }

  /** Every token with open subscribers: its id and when it was issued. */
  heldTokens(): IterableIterator<Pick<TokenEntry, 'tokenId' | 'issuedAt'>> {
    return this.tokens.values();
  }

  /** The subscribers of tokens that expired by `nowMs` (a copy: ending them removes them here). */
  expired(nowMs: number): Subscriber[] {
    const expired: Subscriber[] = [];
    for (const entry of this.tokens.values()) {
      if (entry.expiresAt * 1000 <= nowMs) expired.push(...entry.subscribers);
    }
    return expired;
  }

  /** The subscribers holding `tokenId` (a copy). */
  subscribersOf(tokenId: string): Subscriber[] {
    return [...(this.tokens.get(tokenId)?.subscribers ?? [])];
  }
}
