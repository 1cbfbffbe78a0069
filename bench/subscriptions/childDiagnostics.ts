import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import type { IpcHandlers } from './childIpc';

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  /** Garbage-collection pauses of the main thread in the same window. */
  gcPauses: { count: number; totalMs: number; maxMs: number };
}

/** `cpu`: a V8 CPU profile; `allocations`: V8's sampling heap profiler (who allocates how much). */
export type ProfileKind = 'cpu' | 'allocations';

/**
 * What every bench child can tell about itself: event-loop delay and GC pauses (which process an
 * event waited in), and on request a CPU or allocation profile or a heap snapshot.
 */
export function diagnosticHandlers(): IpcHandlers {
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

  let profiler: { session: Session; kind: ProfileKind } | null = null;
  const post = (session: Session, method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

  return {
    /** Event-loop delay and GC pauses (ms) since the last call. */
    loopDelay: (): LoopDelay => {
      const figures = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6, gcPauses: { ...gcPauses } };
      loopDelay.reset();
      Object.assign(gcPauses, { count: 0, totalMs: 0, maxMs: 0 });
      return figures;
    },
    /** Writes a heap snapshot (what each subscriber costs in memory, object by object). */
    heapSnapshot: (path) => writeHeapSnapshot(path as string),
    profileStart: async (kind) => {
      const session = new Session();
      session.connect();
      profiler = { session, kind: kind as ProfileKind };
      if (profiler.kind === 'allocations') {
        await post(session, 'HeapProfiler.enable');
        // Every allocation counts, not only what is still alive when the profile stops.
        await post(session, 'HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      } else {
        await post(session, 'Profiler.enable');
        await post(session, 'Profiler.start');
      }
    },
    /** Stops the profile and writes it (`.cpuprofile` / `.heapprofile`, for Chrome DevTools) to `path`. */
    profileStop: async (path) => {
      if (!profiler) return null;
      const { session, kind } = profiler;
      profiler = null;
      const { profile } = (await post(session, kind === 'allocations' ? 'HeapProfiler.stopSampling' : 'Profiler.stop')) as { profile: unknown };
      session.disconnect();
      await writeFile(path as string, JSON.stringify(profile));
      return path;
    },
  };
}

/** The memory figures after a full garbage collection (children run with --expose-gc). */
export function collectedMemory(): { rss: number; heapUsed: number; external: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}
