import { CLAIM_TASK, COMPLETE_TASK, FAIL_TASK, HEARTBEAT, REGISTER_AGENT, REPORT_PROGRESS } from './documents';
import { GraphQLRequestError, type GatewayClient } from './gatewayClient';
import { PermanentTaskError, type ClaimedTask, type Performer } from './performers';

export interface ReferenceWorkerOptions {
  gateway: GatewayClient;
  name: string;
  performers: Readonly<Record<string, Performer>>;
  /** Wait between claims while the queue is empty (default 1 s). */
  idlePollMs?: number;
  /**
   * Pause after each progress report (default 0). The work takes milliseconds; the demo stack
   * slows it down so that people watching the dashboard see the steps. Skipped while stopping.
   */
  stepDelayMs?: number;
  log?: (line: string, fields?: Record<string, unknown>) => void;
}

interface Lease {
  leaseToken: string;
  leaseExpiresAt: string;
  task: ClaimedTask;
}

export type TaskOutcome = 'completed' | 'failed' | 'stopped';

const MAX_RETRY_WAIT_MS = 30_000;

/** Raised inside a performer when a heartbeat said to stop (cancelled, or the lease is gone). */
class StopWork extends Error {}

/**
 * The reference worker: registers, claims tasks of the types it can perform, keeps the lease alive
 * with heartbeats (a third of the lease), reports progress, and completes or fails each task.
 */
export class ReferenceWorker {
  private agentId: string | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly log: NonNullable<ReferenceWorkerOptions['log']>;
  /** Wakes pending sleeps, so `stop()` does not wait out an idle poll or a demo pause. */
  private readonly wakers = new Set<() => void>();

  constructor(private readonly options: ReferenceWorkerOptions) {
    this.log = options.log ?? (() => undefined);
  }

  async register(): Promise<string> {
    const types = Object.keys(this.options.performers);
    const { registerAgent } = await this.options.gateway.request<{ registerAgent: { id: string } }>(REGISTER_AGENT, {
      input: { name: this.options.name, type: 'reference-worker', capabilities: types },
    });
    this.agentId = registerAgent.id;
    return registerAgent.id;
  }

  /** Claims and performs one task; null when none was due. */
  async runOnce(): Promise<{ taskId: string; outcome: TaskOutcome } | null> {
    const agentId = this.agentId ?? (await this.register());
    const { claimAgentTask: lease } = await this.options.gateway.request<{ claimAgentTask: Lease | null }>(CLAIM_TASK, {
      agentId,
      types: Object.keys(this.options.performers),
    });
    if (!lease) return null;
    return { taskId: lease.task.id, outcome: await this.perform(agentId, lease) };
  }

  /**
   * Runs until `stop()`. Failures (gateway down, credential refused) are logged and retried,
   * waiting twice as long after each one in a row (up to 30 s) so a worker whose account was
   * revoked does not hammer the gateway.
   */
  start(): void {
    this.stopping = false;
    this.loop = (async () => {
      const idleMs = this.options.idlePollMs ?? 1000;
      let failures = 0;
      while (!this.stopping) {
        try {
          const ran = await this.runOnce();
          failures = 0;
          if (!ran) await this.sleep(idleMs);
        } catch (error) {
          failures += 1;
          const retryInMs = Math.min(idleMs * 2 ** (failures - 1), MAX_RETRY_WAIT_MS);
          this.log('worker loop error; retrying', { error: (error as Error).message, retryInMs });
          await this.sleep(retryInMs);
        }
      }
    })();
  }

  /** Stops claiming; a task in hand is finished (without demo pauses) before this resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakers) wake();
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private async perform(agentId: string, lease: Lease): Promise<TaskOutcome> {
    const { gateway } = this.options;
    const { task, leaseToken } = lease;
    const leaseMs = Math.max(1000, Date.parse(lease.leaseExpiresAt) - Date.now());
    let stopRequested = false;
    const beat = async () => {
      const { heartbeat } = await gateway.request<{ heartbeat: { stop: boolean } }>(HEARTBEAT, {
        input: { agentId, taskId: task.id, leaseToken },
      });
      if (heartbeat.stop) stopRequested = true;
    };
    const heartbeats = setInterval(() => void beat().catch(() => undefined), Math.floor(leaseMs / 3));
    const performer = this.options.performers[task.type];
    this.log('task claimed', { taskId: task.id, type: task.type, attempt: task.attempts });
    try {
      if (!performer) throw new PermanentTaskError(`This worker cannot perform ${task.type}`);
      const result = await performer(task, {
        gateway,
        now: () => new Date(),
        progress: async (progress, message) => {
          if (stopRequested) throw new StopWork();
          await gateway.request(REPORT_PROGRESS, { taskId: task.id, leaseToken, progress, message });
          await this.sleep(this.options.stepDelayMs ?? 0);
        },
      });
      if (stopRequested) throw new StopWork();
      await gateway.request(COMPLETE_TASK, { taskId: task.id, leaseToken, result });
      this.log('task completed', { taskId: task.id });
      return 'completed';
    } catch (error) {
      if (error instanceof StopWork || (error instanceof GraphQLRequestError && error.codes.includes('CONFLICT'))) {
        this.log('task stopped: cancelled or lease lost', { taskId: task.id });
        return 'stopped';
      }
      const retryable = !(error instanceof PermanentTaskError) && !(error instanceof GraphQLRequestError && !error.transient);
      await gateway
        .request(FAIL_TASK, { taskId: task.id, leaseToken, error: (error as Error).message.slice(0, 1000), retryable })
        .catch((failure: unknown) => this.log('could not report the failure', { error: (failure as Error).message }));
      this.log('task failed', { taskId: task.id, retryable, error: (error as Error).message });
      return 'failed';
    } finally {
      clearInterval(heartbeats);
    }
  }
}
