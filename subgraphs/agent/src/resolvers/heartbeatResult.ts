import type { Agent } from '../registry/agent.entity';
import type { HeartbeatOutcome } from '../tasks/taskQueue';

export type HeartbeatResultModel = HeartbeatOutcome & { agent: Agent };
