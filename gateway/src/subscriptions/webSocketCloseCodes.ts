/**
 * Close codes the gateway's WebSocket transport uses beyond graphql-ws's own (4400 bad request,
 * 4403 forbidden, 4429 repeated connection_init, 4500 internal error).
 */

/** A token refused at connection_init (graphql-ws's Forbidden); the reason is the refusal's error code. */
export const CLOSE_FORBIDDEN = 4403;

/**
 * A client whose refused attempts used up its address's rate limit (graphql-ws already uses 4429
 * for a repeated connection_init, so the next free one).
 */
export const CLOSE_RATE_LIMITED = 4430;

/** A subscriber too slow to take its events (RFC 6455 1013 Try Again Later: it may resubscribe). */
export const CLOSE_TRY_AGAIN_LATER = 1013;
