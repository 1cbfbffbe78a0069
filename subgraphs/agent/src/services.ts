import type { ConfigClient, SubgraphContext } from '@hub/core';
import type { PipelineService } from './pipelines/pipelineService';
import type { TaskEventFeed } from './progress/taskEventFeed';
import type { AgentRegistry } from './registry/agentRegistry';
import type { AgentSettingsSource } from './settings/agentSettings';
import type { SubjectDirectory } from './subjects/subjectDirectory';
import type { LeaseSweeper } from './tasks/leaseSweeper';
import type { TaskQueue } from './tasks/taskQueue';
import type { TaskTypeRegistry } from './taskTypes/taskTypeRegistry';

/** The agent subgraph's domain layer, handed to resolvers through the context. */
export interface AgentServices {
  /** Follows plattform's service configs; null when the module was given its own reader. */
  configClient: ConfigClient | null;
  settings: AgentSettingsSource;
  taskTypes: TaskTypeRegistry;
  agents: AgentRegistry;
  tasks: TaskQueue;
  pipelines: PipelineService;
  taskEvents: TaskEventFeed;
  /** Checks, as the caller, that a task's subject exists in the owning subgraph. */
  subjects: SubjectDirectory;
  leaseSweeper: LeaseSweeper;
}

export type AgentContext = SubgraphContext<AgentServices>;
