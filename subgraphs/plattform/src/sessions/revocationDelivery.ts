import type { OutboxDelivery, TokenDenylist } from '@hub/core';

/**
 * The relay's delivery of a `plattform.token.revoked` event: the token goes on the denylist
 * (again, if logout already put it there). A failure keeps the event in the outbox, retried
 * until Redis takes it, and keeps the denylist's completeness lease from being renewed meanwhile.
 */
export function revocationDelivery(denylist: TokenDenylist): OutboxDelivery {
  return async (event) => {
    const { tokenId, expiresAt } = event.data as { tokenId?: unknown; expiresAt?: unknown };
    // Events recorded before they carried expiresAt were delivered then; a rebuild covers them.
    if (typeof tokenId !== 'string' || typeof expiresAt !== 'string') return;
    await denylist.revoke(tokenId, Math.floor(new Date(expiresAt).getTime() / 1000));
  };
}
