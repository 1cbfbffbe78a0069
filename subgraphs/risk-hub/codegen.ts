import type { SubgraphCodegen } from '../../scripts/codegen/subgraphCodegen';

/** risk-hub's resolver types (collected by the root codegen.ts; paths relative to src/generated/). */
export default {
  contextType: '../services#RiskHubContext',
  mappers: {
    RiskAssessment: '../assessments/assessment.entity#Assessment as AssessmentModel',
    RiskAssessmentConnection: '../assessments/assessmentList#AssessmentPage as AssessmentPageModel',
    Hazard: '../hazards/hazard.entity#Hazard as HazardModel',
    Measure: '../measures/measure.entity#Measure as MeasureModel',
    AssessmentDocument: '../documents/document.entity#AssessmentDocument as AssessmentDocumentModel',
    AssessmentDocumentVersion: '../documents/documentVersion.entity#DocumentVersionView as DocumentVersionModel',
    AuditEntry: '../audit/auditEntry.entity#AuditEntry as AuditEntryModel',
    RiskAssessmentEvent: '../events/assessmentEventStream#RiskEventEnvelope as RiskEventModel',
    User: '../users/userReference#UserReference as UserReferenceModel',
    Actor: '../actors/actorReference#ActorReference as ActorReferenceModel',
  },
} satisfies SubgraphCodegen;
