/** Permission codes this subgraph checks (they travel in the token's `scope` claim). */
export const PERMISSIONS = {
  /** Read agents, tasks, pipelines; subscribe to task events. */
  READ: 'agent.task.read',
  /** Queue and cancel tasks, start pipelines. */
  CREATE: 'agent.task.create',
  /** The worker protocol: register, claim, heartbeat, progress, complete, fail. */
  WORKER: 'agent.worker',
} as const;
