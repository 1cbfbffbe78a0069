import { BadUserInputError, CONFIG_CHANGED_EVENT, requireScope, withEventSequence, withEventTrace, type CloudEventEnvelope } from '@hub/core';
import type {
  ConfigChangeResolvers,
  MutationResolvers,
  QueryResolvers,
  ServiceConfigResolvers,
  SubscriptionResolvers,
} from '../generated/resolvers-types';
import type { ServiceConfigRecord } from '../configs/configService';
import { userById } from '../loaders';
import type { PlattformContext } from '../services';

const READ = 'plattform.config.read';
const WRITE = 'plattform.config.write';
const MAX_HISTORY = 1000;

export const configQueries: Pick<QueryResolvers, 'serviceConfigs' | 'serviceConfig' | 'configHistory'> = {
  serviceConfigs: (_parent, { service }, ctx) => {
    requireScope(ctx.identity, READ);
    return ctx.db.run((unit) => ctx.services.configs.effective(unit, service));
  },
  serviceConfig: (_parent, { service, key }, ctx) => {
    requireScope(ctx.identity, READ);
    return ctx.db.run((unit) => ctx.services.configs.one(unit, service, key));
  },
  configHistory: (_parent, { filter, first }, ctx) => {
    requireScope(ctx.identity, READ);
    const limit = first ?? 100;
    if (limit < 1 || limit > MAX_HISTORY) throw new BadUserInputError(`first must be 1 to ${MAX_HISTORY}`);
    return ctx.db.run((unit) => ctx.services.configs.history(unit, { ...filter, limit }));
  },
};

export const configMutations: Pick<MutationResolvers, 'setConfig'> = {
  setConfig: (_parent, { input }, ctx) => {
    requireScope(ctx.identity, WRITE);
    return ctx.db.run((unit) => ctx.services.configs.set(unit, input, { scope: 'organization' }));
  },
};

function changedData(event: CloudEventEnvelope): { service: string; key: string; version: number } | null {
  const { service, key, version } = event.data;
  return typeof service === 'string' && typeof key === 'string' && typeof version === 'number' ? { service, key, version } : null;
}

/** Each change event as the subscriber's view of the config at that version. */
async function* configChanges(
  events: AsyncIterableIterator<CloudEventEnvelope>,
  service: string | null | undefined,
  ctx: PlattformContext,
) {
  try {
    for await (const event of events) {
      const changed = changedData(event);
      if (!changed || (service && changed.service !== service)) continue;
      // The event names the change; the value is read as the subscriber, under their tenant.
      const config = await ctx.db.run((unit) =>
        ctx.services.configs.atVersion(unit, event.tenantid ?? null, changed.service, changed.key, changed.version),
      );
      yield withEventTrace(withEventSequence({ configChanged: config }, event.sequence), event);
    }
  } finally {
    await events.return?.();
  }
}

export const configSubscriptions: Pick<SubscriptionResolvers, 'configChanged'> = {
  configChanged: {
    subscribe: async (_parent, { service }, ctx) => {
      const identity = requireScope(ctx.identity, READ);
      // Only this tenant's channel and the global one are attached: other tenants' changes never
      // arrive. Attached before the subscription starts, so nothing published after is missed.
      const events = await ctx.events.open({ types: [CONFIG_CHANGED_EVENT], orgId: identity.orgId, includeGlobal: true });
      return configChanges(events, service, ctx);
    },
  },
};

const scopeOf = (record: { orgId: string | null }) => (record.orgId ? 'ORGANIZATION' : 'GLOBAL');

export const ServiceConfig: ServiceConfigResolvers = {
  scope: scopeOf,
  updatedBy: (config: ServiceConfigRecord, _args, ctx) => (config.updatedBy ? userById(ctx).load(config.updatedBy) : null),
};

export const ConfigChange: ConfigChangeResolvers = {
  scope: scopeOf,
  actor: (change, _args, ctx) => (change.actor ? userById(ctx).load(change.actor) : null),
};
