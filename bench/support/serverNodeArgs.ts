/**
 * The Node flags our gateway's image runs with (the root Dockerfile's NODE_OPTIONS, next to
 * --conditions=hub-dist). Benches start the gateway with them and give the peer's server the same,
 * so a comparison is between the servers, not their flags. BENCH_SERVER_NODE_ARGS overrides them
 * ('' for none).
 */
export const GATEWAY_IMAGE_NODE_ARGS = '--max-semi-space-size=64';

export function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? GATEWAY_IMAGE_NODE_ARGS).split(' ').filter(Boolean);
}
