import { createLogger } from '@hub/core';
import { createGateway, gatewayConfigFrom } from '@hub/gateway';

/** Child-process entry: our gateway on the bench supergraph, verifying every token against the JWKS. */
async function main(): Promise<void> {
  const base = gatewayConfigFrom([]);
  const gateway = await createGateway({
    config: {
      ...base,
      supergraphPath: process.env.BENCH_SUPERGRAPH!,
      jwksUrl: process.env.BENCH_JWKS_URL!,
      // Rate limiting stays on (in-process); the tenants of the bench tokens never reach it.
      rateLimit: { limit: 1_000_000, windowSeconds: 60 },
    },
    logger: createLogger('bench-gateway'),
  });
  const server = await gateway.listen(0);
  process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${server.port}/graphql` })}\n`);
}

// A clean exit on SIGTERM, so --cpu-prof (BENCH_CPU_PROF) writes its profile.
process.once('SIGTERM', () => process.exit(0));
void main();
