import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { IpcMessage, IpcRequest } from './childIpc';

const running = new Set<BenchChild>();

/**
 * Orchestrator side of one bench child process (gateway, subgraphs, subscriber clients): started
 * under tsx with --expose-gc and an IPC channel, answering `request()`s until `stop()`.
 */
export class BenchChild {
  readonly process: ChildProcess;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    file: string,
    env: Record<string, string>,
    fileDescriptors: number | undefined,
    extraNodeArgs: readonly string[],
  ) {
    const nodeArgs = ['--expose-gc', ...extraNodeArgs, '--import', 'tsx', join(__dirname, file)];
    // Raising the soft limit needs a shell builtin; the hard limit was checked by the caller.
    const [command, args] = fileDescriptors
      ? ['/bin/sh', ['-c', `ulimit -n ${fileDescriptors} && exec "$0" "$@"`, process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
    this.process = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    running.add(this);
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        running.delete(this);
        for (const { reject } of this.pending.values()) reject(new Error(`${name} exited (${signal ?? code}) before answering`));
        this.pending.clear();
        resolve();
      });
    });
    this.process.on('message', (message: IpcMessage) => {
      if (message.kind !== 'reply') return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`${name}: ${message.error}`));
      else waiter.resolve(message.result);
    });
  }

  /** Starts `file` (relative to this directory) and resolves with what it reported once ready. */
  static async start<TInfo>(
    name: string,
    file: string,
    env: Record<string, string>,
    options: { fileDescriptors?: number; timeoutMs?: number; nodeArgs?: readonly string[] } = {},
  ): Promise<{ child: BenchChild; info: TInfo }> {
    const child = new BenchChild(name, file, env, options.fileDescriptors, options.nodeArgs ?? []);
    const info = await new Promise<TInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready within ${options.timeoutMs ?? 60_000} ms`)), options.timeoutMs ?? 60_000);
      child.process.on('message', (message: IpcMessage) => {
        if (message.kind !== 'ready') return;
        clearTimeout(timer);
        resolve(message.info as TInfo);
      });
      child.process.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code} before it was ready`));
      });
    });
    return { child, info };
  }

  request<TResult>(method: string, params?: unknown): Promise<TResult> {
    const id = this.nextId++;
    const message: IpcRequest = { id, method, params };
    return new Promise<TResult>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send(message, (error) => {
        if (!error) return;
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL, no grace (a crash, as the recovery phase needs it); resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGKILL');
    await this.exited;
  }

  /** Every child still running (for cleanup when the bench fails or is interrupted). */
  static async stopAll(): Promise<void> {
    await Promise.all([...running].map((child) => child.stop(2_000)));
  }
}
