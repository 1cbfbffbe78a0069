import { hostname } from 'node:os';
import { GatewayClient, GraphQLRequestError, staticToken, type AccessTokenSource } from './gatewayClient';
import { PERFORMERS } from './performers';
import { ReferenceWorker } from './referenceWorker';
import { ServiceTokenSource } from './serviceTokenSource';

/** An environment variable; empty counts as unset. */
function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * How the worker authenticates: preferably with its service account's client credential, which
 * it exchanges for access tokens and renews by itself; a bare token (AGENT_WORKER_TOKEN) works
 * only until it expires (1 h), for a quick try with a token obtained elsewhere.
 */
function tokenSource(gatewayUrl: string): AccessTokenSource {
  const clientId = env('AGENT_CLIENT_ID');
  const clientSecret = env('AGENT_CLIENT_SECRET');
  if (clientId && clientSecret) return new ServiceTokenSource(gatewayUrl, { clientId, clientSecret });
  const token = env('AGENT_WORKER_TOKEN');
  if (token) return staticToken(token);
  throw new Error('Set AGENT_CLIENT_ID and AGENT_CLIENT_SECRET (a service account with agent.worker), or AGENT_WORKER_TOKEN');
}

/**
 * `npm run worker -w @hub/agent`: a reference worker against the gateway.
 * AGENT_CLIENT_ID / AGENT_CLIENT_SECRET (or AGENT_WORKER_TOKEN), GATEWAY_URL (default
 * http://127.0.0.1:4000/graphql), AGENT_NAME (default `<host>-<pid>`), AGENT_WORKER_STEP_DELAY_MS (0).
 */
async function main(): Promise<void> {
  const gatewayUrl = env('GATEWAY_URL') ?? 'http://127.0.0.1:4000/graphql';
  const log = (line: string, fields: Record<string, unknown> = {}) =>
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg: line, ...fields })}\n`);
  const worker = new ReferenceWorker({
    gateway: new GatewayClient(gatewayUrl, tokenSource(gatewayUrl)),
    name: env('AGENT_NAME') ?? `${hostname()}-${process.pid}`,
    performers: PERFORMERS,
    stepDelayMs: Number(env('AGENT_WORKER_STEP_DELAY_MS') ?? 0),
    log,
  });
  // The gateway may still be starting (compose, Kubernetes): wait for it. Refused credentials
  // are not going to get better: exit, so the operator sees it.
  for (let delayMs = 1000; ; delayMs = Math.min(delayMs * 2, 30_000)) {
    try {
      const agentId = await worker.register();
      log('reference worker registered', { agentId, types: Object.keys(PERFORMERS) });
      break;
    } catch (error) {
      if (!(error instanceof GraphQLRequestError) || !error.transient) throw error;
      log('gateway not reachable yet; retrying', { error: error.message, retryInMs: delayMs });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  worker.start();
  let stopping = false;
  const stop = () => {
    // Repeated signals (npm forwards the terminal's Ctrl-C once more) must not cut the stop short.
    if (stopping) return;
    stopping = true;
    void worker.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
