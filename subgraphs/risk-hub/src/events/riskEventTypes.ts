/** CloudEvents types risk-hub emits through its outbox (channel `<type>.<orgId>`). */
export const RISK_EVENT_TYPES = [
  'risk.assessment.created',
  'risk.assessment.submitted',
  'risk.assessment.approved',
  'risk.assessment.rejected',
  'risk.measure.overdue',
] as const;

export type RiskEventType = (typeof RISK_EVENT_TYPES)[number];

/** Every event carries the assessment it is about; overdue events also the measure. */
export interface RiskEventData extends Record<string, unknown> {
  assessmentId: string;
  measureId?: string;
}
