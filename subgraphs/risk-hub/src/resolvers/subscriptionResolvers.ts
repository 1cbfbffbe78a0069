import { requireScope } from '@hub/core';
import { assessmentEventStream, type RiskEventEnvelope } from '../events/assessmentEventStream';
import type { SubscriptionResolvers } from '../generated/resolvers-types';
import { RISK_READ } from '../permissions';
import { requireId } from '../validation';

export const Subscription: SubscriptionResolvers = {
  riskAssessmentEvents: {
    subscribe: (_parent, { assessmentId }, ctx) => {
      const identity = requireScope(ctx.identity, RISK_READ);
      return assessmentEventStream(ctx.events, identity.orgId, assessmentId ? requireId('assessmentId', assessmentId) : null);
    },
    // The stream yields the CloudEvent itself; RiskAssessmentEvent's resolvers read from it.
    resolve: (event: RiskEventEnvelope) => event,
  },
};
