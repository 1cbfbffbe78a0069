import type { CloudEventEnvelope, SubscriptionEvents } from '@hub/core';
import { RISK_EVENT_TYPES, type RiskEventData } from './riskEventTypes';

export type RiskEventEnvelope = CloudEventEnvelope & { data: RiskEventData };

function isRiskEvent(value: unknown): value is RiskEventEnvelope {
  const event = value as Partial<CloudEventEnvelope> | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof event.type === 'string' &&
    typeof event.data === 'object' &&
    event.data !== null &&
    typeof (event.data as { assessmentId?: unknown }).assessmentId === 'string'
  );
}

/**
 * The tenant's risk events as the outbox relay publishes them (`<type>.<orgId>`), optionally for one
 * assessment. Only this organization's channels are subscribed, so no other tenant's event can
 * arrive. `return()` unsubscribes at once, even while waiting for the next event.
 */
export function assessmentEventStream(
  events: SubscriptionEvents,
  orgId: string,
  assessmentId: string | null,
): Promise<AsyncIterableIterator<RiskEventEnvelope>> {
  const matches = (event: CloudEventEnvelope): event is RiskEventEnvelope =>
    isRiskEvent(event) && (assessmentId === null || event.data.assessmentId === assessmentId);
  return events.filtered({ types: RISK_EVENT_TYPES, orgId }, matches);
}
