import { hostname } from 'node:os';
import { GatewayClient } from './gatewayClient';
import { PERFORMERS } from './performers';
import { ReferenceWorker } from './referenceWorker';

/**
 * `npm run worker -w @hub/agent`: a reference worker against the gateway.
 * AGENT_WORKER_TOKEN (required): an access token with scope `agent.worker` for a service account.
 * GATEWAY_URL (default http://127.0.0.1:4000/graphql), AGENT_NAME (default `<host>-<pid>`).
 */
async function main(): Promise<void> {
  const token = process.env.AGENT_WORKER_TOKEN;
  if (!token) throw new Error('Set AGENT_WORKER_TOKEN to a token with scope agent.worker');
  const worker = new ReferenceWorker({
    gateway: new GatewayClient(process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql', token),
    name: process.env.AGENT_NAME ?? `${hostname()}-${process.pid}`,
    performers: PERFORMERS,
    log: (line, fields) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg: line, ...fields })}\n`),
  });
  const agentId = await worker.register();
  process.stdout.write(`${JSON.stringify({ msg: 'reference worker registered', agentId, types: Object.keys(PERFORMERS) })}\n`);
  worker.start();
  const stop = () => void worker.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
