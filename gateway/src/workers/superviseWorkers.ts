import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@hub/core';
import { serveClusterMetrics } from './clusterMetrics';

export interface WorkerSupervision {
  count: number;
  logger: Logger;
  /** First restart delay after a crash; doubles per crash in a row, up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A worker up this long resets the crash streak. */
  stableAfterMs?: number;
}

/**
 * The primary of `hub-gateway --workers N`: forks N gateway workers that share the port (node:cluster),
 * replaces a worker that dies unasked (with backoff, so a crash loop does not spin), hands SIGTERM/SIGINT
 * on as SIGTERM so every worker drains like a single gateway, and exits once all have stopped
 * (0 when every worker stopped cleanly). It serves no requests itself.
 */
export function superviseWorkers(options: WorkerSupervision): void {
  const { count, logger } = options;
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  let stopping = false;
  let failedStops = 0;
  let crashStreak = 0;
  const pendingRestarts = new Set<NodeJS.Timeout>();
  const stableTimers = new Map<Worker, NodeJS.Timeout>();

  serveClusterMetrics(logger);

  const fork = () => {
    const worker = cluster.fork();
    worker.once('listening', () => {
      stableTimers.set(worker, setTimeout(() => (crashStreak = 0), stableAfterMs));
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    clearTimeout(stableTimers.get(worker));
    stableTimers.delete(worker);
    if (stopping) {
      if (code !== 0) failedStops += 1;
      logger.info({ worker: worker.id, code, signal }, 'gateway worker stopped');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failedStops === 0 ? 0 : 1);
      return;
    }
    const delayMs = Math.min(maxBackoffMs, initialBackoffMs * 2 ** crashStreak);
    crashStreak += 1;
    logger.error({ worker: worker.id, code, signal, restartInMs: delayMs }, 'gateway worker died; replacing it');
    const timer = setTimeout(() => {
      pendingRestarts.delete(timer);
      if (!stopping) fork();
    }, delayMs);
    pendingRestarts.add(timer);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping gateway workers');
    for (const timer of pendingRestarts) clearTimeout(timer);
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    if (workers.length === 0) process.exit(0);
    // SIGTERM even for Ctrl-C: workers in the terminal's process group got that SIGINT too and ignore this SIGTERM.
    for (const worker of workers) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.info({ workers: count }, 'starting gateway workers');
  for (let index = 0; index < count; index += 1) fork();
}
