import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

/**
 * The small request/reply protocol between the bench orchestrator and its child processes over the
 * Node IPC channel (advanced serialization, so typed arrays of latencies travel as they are).
 */
export interface IpcRequest {
  id: number;
  method: string;
  params?: unknown;
}

export type IpcMessage = { kind: 'ready'; info: unknown } | { kind: 'reply'; id: number; result?: unknown; error?: string };

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  /** Garbage-collection pauses of the main thread in the same window. */
  gcPauses: { count: number; totalMs: number; maxMs: number };
}

export type IpcHandlers = Record<string, (params: unknown) => unknown>;

function send(message: IpcMessage): void {
  process.send?.(message);
}

/**
 * Child side: answers the orchestrator's requests with `handlers`, reports `info` once ready, and
 * exits when the orchestrator goes away (the IPC channel closes), so no bench process outlives it.
 */
export function serveOrchestrator(handlers: IpcHandlers, info: unknown): void {
  if (!process.send) throw new Error('bench child processes must be started by bench/subscriptions/run.ts');
  // How long events waited for this process's event loop: tells which process a latency came from.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const gcPauses = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcPauses.count += 1;
      gcPauses.totalMs += entry.duration;
      gcPauses.maxMs = Math.max(gcPauses.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let profiler: Session | null = null;
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => profiler!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  const common: IpcHandlers = {
    /** Writes a heap snapshot (what each subscriber costs in memory, object by object). */
    heapSnapshot: (path) => writeHeapSnapshot(path as string),
    /** Starts a V8 CPU profile of this process (the measurement window only). */
    profileStart: async () => {
      profiler = new Session();
      profiler.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    /** Stops the profile and writes it (`.cpuprofile`, for Chrome DevTools) to the given path. */
    profileStop: async (path) => {
      if (!profiler) return null;
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      profiler.disconnect();
      profiler = null;
      await writeFile(path as string, JSON.stringify(profile));
      return path;
    },
    /** Event-loop delay and GC pauses (ms) since the last call. */
    loopDelay: (): LoopDelay => {
      const figures = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6, gcPauses: { ...gcPauses } };
      loopDelay.reset();
      Object.assign(gcPauses, { count: 0, totalMs: 0, maxMs: 0 });
      return figures;
    },
  };
  process.on('message', (raw: IpcRequest) => {
    const handler = handlers[raw.method] ?? common[raw.method];
    if (!handler) {
      send({ kind: 'reply', id: raw.id, error: `unknown method ${raw.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(raw.params))
      .then(
        (result) => send({ kind: 'reply', id: raw.id, result }),
        (error: unknown) => send({ kind: 'reply', id: raw.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', info });
}

/** Child side: the memory figures after a full garbage collection (children run with --expose-gc). */
export function collectedMemory(): { rss: number; heapUsed: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}
