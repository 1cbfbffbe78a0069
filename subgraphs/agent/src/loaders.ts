import { byKeys } from '@hub/core';
import type { Pipeline } from './pipelines/pipeline.entity';
import type { PipelineStage } from './pipelines/pipelineStage.entity';
import type { Agent } from './registry/agent.entity';
import type { AgentContext } from './services';
import type { SubjectType } from './subjects/subject';
import type { AgentTask } from './tasks/agentTask.entity';

/** Per-request batch loaders; each batch is one tenant-pinned query. */
export function taskById(ctx: AgentContext) {
  return ctx.loaders.get<string, AgentTask | null>('taskById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.tasks.byIds(unit, ids), (task) => task.id)),
  );
}

export function agentById(ctx: AgentContext) {
  return ctx.loaders.get<string, Agent | null>('agentById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.agents.byIds(unit, ids), (agent) => agent.id)),
  );
}

export function pipelineById(ctx: AgentContext) {
  return ctx.loaders.get<string, Pipeline | null>('pipelineById', (ids) =>
    ctx.db.run(async (unit) => byKeys(ids, await ctx.services.pipelines.byIds(unit, ids), (pipeline) => pipeline.id)),
  );
}

export function stagesOfPipeline(ctx: AgentContext) {
  return ctx.loaders.get<string, PipelineStage[]>('stagesOfPipeline', (ids) =>
    ctx.db.run(async (unit) => {
      const stages = await ctx.services.pipelines.stagesOf(unit, ids);
      return ids.map((id) => stages.filter((stage) => stage.pipelineId === id));
    }),
  );
}

export function tasksOfSubject(ctx: AgentContext, subjectType: SubjectType) {
  return ctx.loaders.get<string, AgentTask[]>(`tasksOf${subjectType}`, (ids) =>
    ctx.db.run(async (unit) => {
      const tasks = await ctx.services.tasks.bySubjects(unit, subjectType, ids);
      return ids.map((id) => tasks.filter((task) => task.subjectId === id));
    }),
  );
}
