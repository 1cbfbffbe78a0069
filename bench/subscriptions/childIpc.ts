import { diagnosticHandlers } from './childDiagnostics';

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
  const common = diagnosticHandlers();
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
