import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '@hub/runtime';
import type { GraphQLSchema } from 'graphql';
import { applyRoutingOverrides } from './routingOverrides';
import { SupergraphGeneration, type GenerationExecution, type SupergraphGenerationPlugin } from './supergraphGeneration';

export interface SupergraphManagerOptions<E extends GenerationExecution> {
  logger: Logger;
  /** Builds what executes a supergraph SDL (execution/ registers it); failing rejects the SDL. */
  buildExecution: (sdl: string) => Promise<E>;
  /** Other per-generation state, built before a generation serves (access rules). */
  plugins?: readonly SupergraphGenerationPlugin[];
  routingOverrides: Record<string, string>;
  onReload?: (result: 'applied' | 'rejected') => void;
}

/** Told of every applied swap, once the new generation is current (the previous one is retired). */
export type SupergraphSwapListener<E extends GenerationExecution = GenerationExecution> = (current: SupergraphGeneration<E>, previous: SupergraphGeneration<E>) => void;

/**
 * Holds the supergraph being served and swaps in a new one when its source changes: the new SDL
 * is built into its execution and every generation plugin's state first (that is the check);
 * only then does it replace the old one, and swap listeners are told. A broken supergraph is
 * logged and ignored, the current one keeps serving. What executes a generation is the caller's
 * (execution/ builds it), so this folder depends on no capability that serves the graph.
 */
export class SupergraphManager<E extends GenerationExecution = GenerationExecution> {
  private generation: SupergraphGeneration<E>;
  private readonly bySchema = new WeakMap<GraphQLSchema, SupergraphGeneration<E>>();
  private lastSource: string;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly stops: Array<() => void> = [];
  private readonly swapListeners = new Set<SupergraphSwapListener<E>>();

  private constructor(
    initial: SupergraphGeneration<E>,
    source: string,
    private readonly options: SupergraphManagerOptions<E>,
  ) {
    this.generation = initial;
    this.lastSource = source;
    this.bySchema.set(initial.schema, initial);
  }

  static async start<E extends GenerationExecution>(sdl: string, options: SupergraphManagerOptions<E>): Promise<SupergraphManager<E>> {
    const generation = await SupergraphGeneration.build(applyRoutingOverrides(sdl, options.routingOverrides), options.buildExecution, options.plugins ?? []);
    return new SupergraphManager(generation, sdl, options);
  }

  get current(): SupergraphGeneration<E> {
    return this.generation;
  }

  /** The generation whose schema validated a request (it executes that request too). */
  generationFor(schema: unknown): SupergraphGeneration<E> | undefined {
    return this.bySchema.get(schema as GraphQLSchema);
  }

  /** Registers a listener for applied swaps; the returned function removes it. */
  onSwap(listener: SupergraphSwapListener<E>): () => void {
    this.swapListeners.add(listener);
    return () => this.swapListeners.delete(listener);
  }

  /** Checks and applies a supergraph SDL; resolves false (and logs) when it is rejected. */
  offer(sdl: string, origin: string): Promise<boolean> {
    const next = this.queue.then(() => this.apply(sdl, origin));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async apply(sdl: string, origin: string): Promise<boolean> {
    if (sdl === this.lastSource) return false;
    this.lastSource = sdl;
    const { logger } = this.options;
    let generation: SupergraphGeneration<E>;
    try {
      generation = await SupergraphGeneration.build(applyRoutingOverrides(sdl, this.options.routingOverrides), this.options.buildExecution, this.options.plugins ?? []);
    } catch (error) {
      logger.error({ origin, reason: error instanceof Error ? error.message : String(error) }, 'supergraph rejected; keeping the current one');
      this.options.onReload?.('rejected');
      return false;
    }
    const previous = this.generation;
    this.bySchema.set(generation.schema, generation);
    this.generation = generation;
    previous.retire();
    // Synchronously after the swap: nothing can start on the new generation before listeners know of it.
    for (const listener of this.swapListeners) {
      try {
        listener(generation, previous);
      } catch (error) {
        logger.error({ err: error, origin }, 'supergraph swap listener failed');
      }
    }
    logger.info({ origin }, 'supergraph reloaded');
    this.options.onReload?.('applied');
    return true;
  }

  /** Polls the file's modification time (robust against editors' and deploy tools' atomic renames). */
  watchFile(path: string, intervalMs: number): void {
    let lastMtime = 0;
    let busy = false;
    const check = async () => {
      if (busy) return;
      busy = true;
      try {
        const { mtimeMs } = await stat(path);
        if (mtimeMs === lastMtime) return;
        // The first check reads too: the file may have changed since it was loaded at start.
        lastMtime = mtimeMs;
        await this.offer(await readFile(path, 'utf8'), path);
      } catch (error) {
        this.options.logger.warn({ err: error, path }, 'supergraph file could not be read');
      } finally {
        busy = false;
      }
    };
    void check();
    const timer = setInterval(() => void check(), intervalMs);
    timer.unref();
    this.stops.push(() => clearInterval(timer));
  }

  /** Optional: polls an HTTP URL that serves a composed supergraph (e.g. a schema registry). */
  pollUrl(url: string, intervalMs: number): void {
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(intervalMs, 1000)) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        await this.offer(await response.text(), url);
      } catch (error) {
        this.options.logger.warn({ err: error, url }, 'supergraph URL could not be fetched');
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void poll(), intervalMs);
    timer.unref();
    this.stops.push(() => clearInterval(timer));
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.queue;
    this.generation.retire();
  }
}
