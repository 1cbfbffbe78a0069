import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@hub/runtime';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * /metrics under `--workers N` is one view of the whole gateway: whichever worker a scrape lands on
 * asks the primary, which collects every worker's registry over the cluster channel and merges them
 * (prom-client's aggregation: counters and histograms summed, process gauges by their own rule).
 * A per-worker view would make each scrape report a random worker's share.
 */
const REQUEST = 'hub:gateway:metrics-request';
const RESPONSE = 'hub:gateway:metrics-response';
const TIMEOUT_MS = 6000;

interface MetricsRequest {
  type: typeof REQUEST;
  requestId: string;
}

interface MetricsResponse {
  type: typeof RESPONSE;
  requestId: string;
  text?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/** Primary side: answers workers' requests with the merged metrics of all workers. */
export function serveClusterMetrics(logger: Logger): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, requestId: message.requestId, text } satisfies MetricsResponse),
      (error: unknown) => {
        logger.warn({ err: error }, 'could not collect metrics from every gateway worker');
        worker.send({ type: RESPONSE, requestId: message.requestId, error: String(error) } satisfies MetricsResponse);
      },
    );
  });
}

/** Worker side: offers `registry` to the primary's collection and returns a reader of the merged view. */
export function clusterMetricsReader(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's answer to the primary's collection requests in this worker.
  new AggregatorRegistry();
  return () =>
    new Promise((resolve, reject) => {
      const requestId = randomUUID();
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new Error('the gateway primary did not return the merged metrics in time'));
      }, TIMEOUT_MS);
      const onMessage = (message: unknown) => {
        if (!isMessage<MetricsResponse>(message, RESPONSE) || message.requestId !== requestId) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        if (message.text !== undefined) resolve(message.text);
        else reject(new Error(message.error ?? 'metrics collection failed'));
      };
      process.on('message', onMessage);
      process.send!({ type: REQUEST, requestId } satisfies MetricsRequest);
    });
}
