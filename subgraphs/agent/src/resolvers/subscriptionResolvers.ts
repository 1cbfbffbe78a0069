import { requireScope } from '@hub/core';
import type { SubscriptionResolvers } from '../generated/resolvers-types';
import { PERMISSIONS } from '../permissions';
import { taskEventData, type TaskEventData } from '../tasks/taskEvents';

/** Both streams are tenant-scoped by their channels; the payload is the event itself. */
export const Subscription: SubscriptionResolvers = {
  agentTaskProgress: {
    subscribe: async (_parent, { taskId }, ctx) => {
      const identity = requireScope(ctx.identity, PERMISSIONS.READ);
      // Another tenant's (or an unknown) task is NOT_FOUND before anything is subscribed.
      await ctx.db.run((unit) => ctx.services.tasks.byId(unit, taskId));
      const rate = ctx.services.settings.forTenant(identity.orgId).progressUpdatesPerSecond;
      return ctx.services.taskEvents.forTask(ctx.events, identity.orgId, taskId, rate, () =>
        ctx.db.run(async (unit) => taskEventData('CURRENT', await ctx.services.tasks.byId(unit, taskId))),
      );
    },
    resolve: (event: TaskEventData) => event,
  },
  agentTaskUpdates: {
    subscribe: async (_parent, _args, ctx) => {
      const identity = requireScope(ctx.identity, PERMISSIONS.READ);
      const rate = ctx.services.settings.forTenant(identity.orgId).progressUpdatesPerSecond;
      return ctx.services.taskEvents.forTenant(ctx.events, identity.orgId, rate);
    },
    resolve: (event: TaskEventData) => event,
  },
};
