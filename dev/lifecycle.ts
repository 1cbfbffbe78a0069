import type { Logger } from '@hub/core';

/** A port the stack wanted was taken; says which variable chooses it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number | string,
    readonly variable: string,
  ) {
    super(`port ${port} is in use (set ${variable} to a free port, or stop whatever listens on ${port})`);
  }
}

function isAddressInUse(error: unknown): error is { code: string; port?: number } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}

/**
 * The dev stack's life: what has started is stopped in reverse order, on SIGINT, SIGTERM or
 * SIGHUP and when starting fails half-way (nothing is left behind, least of all the embedded
 * PostgreSQL), then a last "stopped" line and the exit code: 0 after a signal, 1 after a failure.
 * `npm start` execs node, so a signal sent to npm reaches this process too.
 */
export class DevLifecycle {
  private readonly running: Array<{ name: string; stop: () => Promise<void> }> = [];
  private stopping = false;

  constructor(private readonly logger: Logger) {}

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Registers something that has started and how to stop it. */
  started(name: string, stop: () => Promise<void>): void {
    this.running.push({ name, stop });
  }

  /** Listens, turning "address in use" into one line that names the port and its variable. */
  async listen<T>(variable: string, port: number | string, listen: () => Promise<T>): Promise<T> {
    try {
      return await listen();
    } catch (error) {
      if (isAddressInUse(error)) throw new PortInUseError(error.port ?? port, variable);
      throw error;
    }
  }

  stopOnSignals(): void {
    // `on`, not `once`: a repeated signal (a second Ctrl-C) must not find no listener and end the
    // process in the middle of stopping.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => void this.stopAndExit(0, `${signal}: stopping`));
    }
  }

  /** Starting failed: a port in use is one line, anything else is logged with its error. */
  async failed(error: unknown): Promise<void> {
    if (error instanceof PortInUseError) process.stderr.write(`dev stack: ${error.message}\n`);
    else this.logger.error({ err: error }, 'dev stack failed to start');
    await this.stopAndExit(1, 'stopping what had started');
  }

  private async stopAndExit(code: number, reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.info(reason);
    for (const { name, stop } of this.running.reverse()) {
      try {
        await stop();
      } catch (error) {
        this.logger.warn({ err: error }, `${name} did not stop cleanly`);
      }
    }
    this.logger.info('stopped');
    process.exit(code);
  }
}
