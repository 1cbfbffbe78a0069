import type { Identity, Logger } from '@hub/runtime';

/** Per-request gateway context: verified identity plus what is forwarded to subgraphs. */
export interface GatewayContext {
  requestId: string;
  identity: Identity | null;
  /** The caller's Authorization header, forwarded unchanged so subgraphs verify it again. */
  authorization: string | null;
  /** The client's User-Agent, forwarded so plattform can tell a client's own retry from a replay. */
  userAgent: string | null;
  logger: Logger;
}
