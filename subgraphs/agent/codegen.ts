import type { SubgraphCodegen } from '../../scripts/codegen/subgraphCodegen';

/** agent's resolver types (collected by the root codegen.ts; paths relative to src/generated/). */
export default {
  contextType: '../services#AgentContext',
  mappers: {
    Agent: '../registry/agent.entity#Agent as AgentModel',
    AgentMetrics: '../registry/agentStatus#AgentMetrics as AgentMetricsModel',
    AgentTask: '../tasks/agentTask.entity#AgentTask as AgentTaskModel',
    AgentTaskLease: '../tasks/taskQueue#Lease as LeaseModel',
    HeartbeatResult: '../resolvers/heartbeatResult#HeartbeatResultModel',
    AgentTaskType: '../taskTypes/taskType#TaskTypeDefinition as TaskTypeModel',
    AgentPipeline: '../pipelines/pipeline.entity#Pipeline as PipelineModel',
    AgentPipelineStage: '../pipelines/pipelineStage.entity#PipelineStage as PipelineStageModel',
    StageInputMapping: '../pipelines/pipelineStage.entity#StageInputMapping as StageInputMappingModel',
    AgentTaskEvent: '../tasks/taskEvents#TaskEventData as TaskEventModel',
    RiskAssessment: '../subjects/subject#SubjectRef as SubjectModel',
    Portfolio: '../subjects/subject#SubjectRef as SubjectModel',
    User: '../subjects/userRef#UserRef as UserRefModel',
  },
} satisfies SubgraphCodegen;
