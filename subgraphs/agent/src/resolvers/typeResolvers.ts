import type {
  AgentPipelineResolvers,
  AgentPipelineStageResolvers,
  AgentResolvers,
  AgentTaskEventResolvers,
  AgentTaskResolvers,
  AgentTaskSubjectResolvers,
  PortfolioResolvers,
  RiskAssessmentResolvers,
} from '../generated/resolvers-types';
import { agentById, pipelineById, stagesOfPipeline, taskById, tasksOfSubject } from '../loaders';
import { pipelineProgress } from '../pipelines/pipelineProgress';
import { agentMetrics, agentStatus } from '../registry/agentStatus';
import type { SubjectRef, SubjectType } from '../subjects/subject';

function subjectOf(type: SubjectType | null, id: string | null): SubjectRef | null {
  return type && id ? { type, id } : null;
}

function requesterOf(userId: string | null) {
  return userId ? { id: userId } : null;
}

export const Agent: AgentResolvers = {
  __resolveReference: (reference, ctx) => agentById(ctx).load(reference.id),
  status: (agent, _args, ctx) =>
    agentStatus(agent, new Date(), ctx.services.settings.forTenant(agent.orgId).agentOfflineAfterSeconds),
  metrics: (agent) => agentMetrics(agent),
};

export const AgentTask: AgentTaskResolvers = {
  __resolveReference: (reference, ctx) => taskById(ctx).load(reference.id),
  subject: (task) => subjectOf(task.subjectType, task.subjectId),
  agent: (task, _args, ctx) => (task.agentId ? agentById(ctx).load(task.agentId) : null),
  pipeline: (task, _args, ctx) => (task.pipelineId ? pipelineById(ctx).load(task.pipelineId) : null),
  requestedBy: (task) => requesterOf(task.requestedBy),
};

export const AgentTaskSubject: AgentTaskSubjectResolvers = {
  __resolveType: (subject) => subject.type,
};

export const AgentPipeline: AgentPipelineResolvers = {
  __resolveReference: (reference, ctx) => pipelineById(ctx).load(reference.id),
  stages: (pipeline, _args, ctx) => stagesOfPipeline(ctx).load(pipeline.id),
  progress: async (pipeline, _args, ctx) => {
    const stages = await stagesOfPipeline(ctx).load(pipeline.id);
    const tasks = await Promise.all(stages.map((stage) => (stage.taskId ? taskById(ctx).load(stage.taskId) : null)));
    return pipelineProgress(
      tasks.map((task) => ({ status: task?.status ?? null, progress: task?.progress ?? 0 })),
      pipeline.status === 'SUCCEEDED',
    );
  },
  failedStage: async (pipeline, _args, ctx) => {
    if (pipeline.failedStage === null) return null;
    const stages = await stagesOfPipeline(ctx).load(pipeline.id);
    return stages.find((stage) => stage.position === pipeline.failedStage) ?? null;
  },
  results: (pipeline) => pipeline.results,
  subject: (pipeline) => subjectOf(pipeline.subjectType, pipeline.subjectId),
  requestedBy: (pipeline) => requesterOf(pipeline.requestedBy),
};

export const AgentPipelineStage: AgentPipelineStageResolvers = {
  task: (stage, _args, ctx) => (stage.taskId ? taskById(ctx).load(stage.taskId) : null),
};

export const AgentTaskEvent: AgentTaskEventResolvers = {
  type: (event) => event.kind,
  occurredAt: (event) => new Date(event.occurredAt),
  // Read fresh for every event, not through the loaders: a subscription keeps one context (and
  // so one loader cache) for its whole life, which would show every later event the task as it
  // was at the first one.
  task: async (event, _args, ctx) => {
    const [task] = await ctx.db.run((unit) => ctx.services.tasks.byIds(unit, [event.taskId]));
    return task ?? null;
  },
};

/** Entity stubs: the owning subgraph resolves their fields; here only the tasks about them. */
export const RiskAssessment: RiskAssessmentResolvers = {
  __resolveReference: (reference) => ({ type: 'RiskAssessment', id: reference.id }),
  agentTasks: (subject, _args, ctx) => tasksOfSubject(ctx, 'RiskAssessment').load(subject.id),
};

export const Portfolio: PortfolioResolvers = {
  __resolveReference: (reference) => ({ type: 'Portfolio', id: reference.id }),
  agentTasks: (subject, _args, ctx) => tasksOfSubject(ctx, 'Portfolio').load(subject.id),
};

