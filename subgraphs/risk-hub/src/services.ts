import type { EventBus, SubgraphContext } from '@hub/core';
import type { AssessmentService } from './assessments/assessmentService';
import type { AuditTrail } from './audit/auditTrail';
import type { DocumentService } from './documents/documentService';
import type { HazardService } from './hazards/hazardService';
import type { MeasureService } from './measures/measureService';
import type { OverdueCheck } from './measures/overdueCheck';

/** risk-hub's domain layer, handed to resolvers through the context. */
export interface RiskHubServices {
  assessments: AssessmentService;
  hazards: HazardService;
  measures: MeasureService;
  documents: DocumentService;
  audit: AuditTrail;
  overdue: OverdueCheck;
  /** Source of live events for subscriptions (what the outbox relay publishes). */
  eventBus: EventBus;
}

export type RiskHubContext = SubgraphContext<RiskHubServices>;
