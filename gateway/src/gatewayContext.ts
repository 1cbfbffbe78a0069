import type { Identity, Logger } from '@hub/core';

/** Per-request gateway context: verified identity plus what is forwarded to subgraphs. */
export interface GatewayContext {
  requestId: string;
  identity: Identity | null;
  /** The caller's Authorization header, forwarded unchanged so subgraphs verify it again. */
  authorization: string | null;
  logger: Logger;
}
