import { createLogger } from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { startGateway } from '@hub/stack/gateway';

/**
 * Child-process entry: our gateway (@hub/stack's startGateway) on the bench supergraph, which is
 * not ours (BENCH_SUPERGRAPH), verifying every token against the JWKS.
 */
async function main(): Promise<void> {
  const base = gatewayConfigFrom([]);
  const { url } = await startGateway({
    config: {
      ...base,
      supergraphPath: process.env.BENCH_SUPERGRAPH!,
      jwksUrl: process.env.BENCH_JWKS_URL!,
      // Rate limiting stays on (in-process); the tenants of the bench tokens never reach it.
      rateLimit: { limit: 1_000_000, windowSeconds: 60 },
    },
    logger: createLogger('bench-gateway'),
  });
  process.stdout.write(`READY ${JSON.stringify({ url })}\n`);
}

// A clean exit on SIGTERM, so --cpu-prof (BENCH_CPU_PROF) writes its profile.
process.once('SIGTERM', () => process.exit(0));
void main();
