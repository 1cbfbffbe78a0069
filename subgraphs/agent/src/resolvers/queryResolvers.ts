import { NotFoundError, requireScope } from '@hub/core';
import type { QueryResolvers } from '../generated/resolvers-types';
import { agentById, pipelineById, taskById } from '../loaders';
import { PERMISSIONS } from '../permissions';

async function found<T>(value: Promise<T | null>, what: string): Promise<T> {
  const result = await value;
  if (!result) throw new NotFoundError(`${what} not found`);
  return result;
}

export const Query: QueryResolvers = {
  agents: (_parent, _args, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.READ);
    return ctx.db.run((unit) => ctx.services.agents.list(unit));
  },
  agent: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.READ);
    return found(agentById(ctx).load(id), 'Agent');
  },
  agentTask: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.READ);
    return found(taskById(ctx).load(id), 'Task');
  },
  agentTasks: (_parent, { status, type, first }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.READ);
    return ctx.db.run((unit) => ctx.services.tasks.list(unit, { status, type, first: first ?? 50 }));
  },
  agentTaskConnection: (_parent, { status, type, first, after }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.READ);
    return ctx.db.run((unit) => ctx.services.tasks.page(unit, { status, type, first, after }));
  },
  agentPipeline: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.READ);
    return found(pipelineById(ctx).load(id), 'Pipeline');
  },
  agentTaskTypes: (_parent, _args, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.READ);
    return ctx.services.taskTypes.list();
  },
};
