import type { Agent } from './agent.entity';

export type AgentStatus = 'IDLE' | 'WORKING' | 'ERROR' | 'OFFLINE';

/** OFFLINE when heartbeats stopped; otherwise what the agent's last protocol call said. */
export function agentStatus(agent: Agent, now: Date, offlineAfterSeconds: number): AgentStatus {
  if (now.getTime() - agent.lastHeartbeatAt.getTime() > offlineAfterSeconds * 1000) return 'OFFLINE';
  return agent.reportedStatus.toUpperCase() as AgentStatus;
}

export interface AgentMetrics {
  tasksCompleted: number;
  tasksFailed: number;
  successRate: number | null;
  averageDurationMs: number | null;
}

export function agentMetrics(agent: Agent): AgentMetrics {
  const finished = agent.tasksCompleted + agent.tasksFailed;
  return {
    tasksCompleted: agent.tasksCompleted,
    tasksFailed: agent.tasksFailed,
    successRate: finished === 0 ? null : agent.tasksCompleted / finished,
    averageDurationMs: agent.tasksCompleted === 0 ? null : Number(agent.completedDurationMs) / agent.tasksCompleted,
  };
}
