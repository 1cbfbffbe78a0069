import { requireScope } from '@hub/core';
import type { MutationResolvers } from '../generated/resolvers-types';
import { PERMISSIONS } from '../permissions';
import { requestedSubject } from './requestedSubject';

/** Requester mutations need `agent.task.create`; the worker protocol needs `agent.worker`. */
export const Mutation: MutationResolvers = {
  createAgentTask: async (_parent, { input }, ctx) => {
    const identity = requireScope(ctx.identity, PERMISSIONS.CREATE);
    const subject = await requestedSubject(input, ctx);
    return ctx.db.run((unit) =>
      ctx.services.tasks.create(unit, { type: input.type, input: input.input, subject, priority: input.priority, requestedBy: identity.userId }),
    );
  },
  cancelAgentTask: (_parent, { id }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.CREATE);
    return ctx.db.run((unit) => ctx.services.tasks.cancel(unit, id));
  },
  startAgentPipeline: async (_parent, { input }, ctx) => {
    const identity = requireScope(ctx.identity, PERMISSIONS.CREATE);
    const subject = await requestedSubject(input, ctx);
    return ctx.db.run((unit) =>
      ctx.services.pipelines.start(unit, {
        name: input.name,
        subject,
        priority: input.priority,
        requestedBy: identity.userId,
        stages: input.stages.map((stage) => ({
          name: stage.name,
          taskType: stage.taskType,
          input: stage.input as Record<string, unknown> | null | undefined,
          inputMapping: stage.inputMapping,
        })),
      }),
    );
  },

  registerAgent: (_parent, { input }, ctx) => {
    const identity = requireScope(ctx.identity, PERMISSIONS.WORKER);
    return ctx.db.run((unit) => ctx.services.agents.register(unit, identity.userId, input));
  },
  claimAgentTask: (_parent, { agentId, types }, ctx) => {
    const identity = requireScope(ctx.identity, PERMISSIONS.WORKER);
    return ctx.db.run(async (unit) => {
      await ctx.services.agents.ownAgent(unit, agentId, identity.userId);
      return ctx.services.tasks.claim(unit, agentId, types);
    });
  },
  heartbeat: (_parent, { input }, ctx) => {
    const identity = requireScope(ctx.identity, PERMISSIONS.WORKER);
    const lease = input.taskId && input.leaseToken ? { taskId: input.taskId, leaseToken: input.leaseToken } : null;
    return ctx.db.run(async (unit) => {
      await ctx.services.agents.ownAgent(unit, input.agentId, identity.userId);
      const outcome = await ctx.services.tasks.heartbeat(unit, input.agentId, lease, input.error ?? null);
      const agent = await ctx.services.agents.ownAgent(unit, input.agentId, identity.userId);
      return { ...outcome, agent };
    });
  },
  reportProgress: (_parent, { taskId, leaseToken, progress, message }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.WORKER);
    return ctx.db.run((unit) => ctx.services.tasks.reportProgress(unit, taskId, leaseToken, progress, message ?? null));
  },
  completeTask: (_parent, { taskId, leaseToken, result }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.WORKER);
    return ctx.db.run((unit) => ctx.services.tasks.complete(unit, taskId, leaseToken, result));
  },
  failTask: (_parent, { taskId, leaseToken, error, retryable }, ctx) => {
    requireScope(ctx.identity, PERMISSIONS.WORKER);
    return ctx.db.run((unit) => ctx.services.tasks.fail(unit, taskId, leaseToken, error, retryable));
  },
};
