/** What the Node server adapter puts into yoga's server context (and graphql-ws into `extra`). */
export interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

/** The peer's address; callers without a tenant are counted per address. */
export function clientAddressOf(serverContext: NodeServerContext | undefined): string {
  return serverContext?.req?.socket?.remoteAddress ?? 'unknown';
}
