import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Resolver types for each subgraph, generated from its schema.graphql (the contract).
 * Generated files are committed; `npm run codegen:check` (part of `npm run build`) fails when stale.
 * A new subgraph adds one entry here: where its context type lives and which domain models back its types.
 */
interface SubgraphCodegen {
  contextType: string;
  mappers: Record<string, string>;
}

const subgraphs: Record<string, SubgraphCodegen> = {
  plattform: {
    contextType: '../services#PlattformContext',
    mappers: {
      Organization: '../organizations/organization.entity#Organization as OrganizationModel',
      User: '../users/user.entity#User as UserModel',
      Membership: '../organizations/membership.entity#Membership as MembershipModel',
      AuthPayload: '../identity/accountService#AuthResult as AuthResultModel',
      Viewer: '@hub/core#Identity as IdentityModel',
      ServiceConfig: '../configs/configService#ServiceConfigRecord as ServiceConfigModel',
      ConfigChange: '../configs/configService#ConfigChangeRecord as ConfigChangeModel',
      Invitation: '../invitations/invitation#InvitationRecord as InvitationModel',
      IssuedInvitation: '../invitations/invitation#IssuedInvitation as IssuedInvitationModel',
      QuotaChange: '../quotas/quotaChange.entity#QuotaChange as QuotaChangeModel',
      ProvisioningStep: '../tenants/provisioningStepRecord.entity#ProvisioningStepRecord as ProvisioningStepModel',
      ServiceAccount: '../serviceAccounts/serviceAccountService#ServiceAccountRecord as ServiceAccountModel',
      ServiceAccountCredential: '../serviceAccounts/serviceAccountService#IssuedCredential as ServiceAccountCredentialModel',
      ServiceToken: '../serviceAccounts/serviceAccountService#ServiceToken as ServiceTokenModel',
    },
  },
  'risk-hub': {
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
  },
  agent: {
    contextType: '../services#AgentContext',
    mappers: {
      Agent: '../registry/agent.entity#Agent as AgentModel',
      AgentMetrics: '../registry/agentStatus#AgentMetrics as AgentMetricsModel',
      AgentTask: '../tasks/agentTask.entity#AgentTask as AgentTaskModel',
      AgentTaskLease: '../tasks/taskQueue#Lease as LeaseModel',
      HeartbeatResult: '../resolvers/heartbeatResult#HeartbeatResultModel',
      AgentTaskType: '../taskTypes/taskType#TaskTypeDefinition as TaskTypeModel',
      AgentPipeline: '../pipelines/pipeline.entity#Pipeline as PipelineModel',
      AgentPipelineStage: '../pipelines/pipelineStage.entity#PipelineStage as PipelineStageModel',
      StageInputMapping: '../pipelines/pipelineStage.entity#StageInputMapping as StageInputMappingModel',
      AgentTaskEvent: '../tasks/taskEvents#TaskEventData as TaskEventModel',
      RiskAssessment: '../subjects/subject#SubjectRef as SubjectModel',
      Portfolio: '../subjects/subject#SubjectRef as SubjectModel',
      User: '../subjects/userRef#UserRef as UserRefModel',
    },
  },
  trading: {
    contextType: '../services#TradingContext',
    mappers: {
      Instrument: '../instruments/instrument.entity#Instrument as InstrumentModel',
      PriceBar: '../prices/priceBar.entity#PriceBar as PriceBarModel',
      StockAnalysis: '../analyses/stockAnalysis.entity#StockAnalysis as StockAnalysisModel',
      Portfolio: '../portfolios/portfolio.entity#Portfolio as PortfolioModel',
      Position: '../portfolios/position.entity#Position as PositionModel',
      Order: '../orders/order.entity#Order as OrderModel',
      Execution: '../orders/execution.entity#Execution as ExecutionModel',
      OrderUpdate: '../live/liveUpdates#OrderUpdate as OrderUpdateModel',
      PortfolioValuation: '../live/liveUpdates#PortfolioValuationUpdate as PortfolioValuationModel',
      PortfolioPerformance: '../performance/performanceService#PortfolioPerformance as PortfolioPerformanceModel',
      InstrumentReturn: '../performance/performanceMath#InstrumentReturn as InstrumentReturnModel',
    },
  },
};

/**
 * The dashboard's typed operations: the client preset reads the client-facing schema
 * (schema/api.graphql, written by `npm run compose`) and every `graphql(...)` document in
 * dashboard/src. Scalars map to what travels in JSON; JSON values get a JSON type, never `any`.
 */
const dashboardClient: CodegenConfig['generates'] = {
  'dashboard/src/graphql/': {
    schema: 'schema/api.graphql',
    documents: ['dashboard/src/**/*.{ts,tsx}', '!dashboard/src/graphql/**'],
    preset: 'client',
    presetConfig: { fragmentMasking: false },
    config: {
      useTypeImports: true,
      enumsAsTypes: true,
      avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      scalars: {
        DateTime: 'string',
        Date: 'string',
        LocalDate: 'string',
        JSON: { input: '../json#JsonValue', output: '../json#JsonValue' },
      },
    },
  },
};

const config: CodegenConfig = {
  overwrite: true,
  hooks: {},
  generates: {
    ...dashboardClient,
    ...Object.fromEntries(
      Object.entries(subgraphs).map(([name, settings]) => [
        `subgraphs/${name}/src/generated/resolvers-types.ts`,
        {
          schema: `subgraphs/${name}/schema.graphql`,
          plugins: [{ add: { content: '/* Generated by GraphQL Code Generator from schema.graphql: do not edit. */' } }, 'typescript', 'typescript-resolvers'],
          config: {
            federation: true,
            useTypeImports: true,
            enumsAsTypes: true,
            contextType: settings.contextType,
            mappers: settings.mappers,
            scalars: { DateTime: 'Date', Date: 'string', LocalDate: 'string', JSON: 'unknown', ID: 'string' },
          },
        },
      ]),
    ),
  },
};

export default config;
