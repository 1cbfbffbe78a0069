import { join } from 'node:path';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  ConfigClient,
  configReaderUrlFromEnv,
  configValue,
  hubSubgraphModule,
  loadSchemaFile,
  type BackgroundTask,
  type ConfigReader,
  type HubSubgraphDefinition,
  type HubSubgraphModule,
  workspaceRoot,
} from '@hub/core';
import { Assessment } from './assessments/assessment.entity';
import { AssessmentService } from './assessments/assessmentService';
import { AuditEntry } from './audit/auditEntry.entity';
import { AuditTrail } from './audit/auditTrail';
import { riskHubSettingsFromEnv, SUBGRAPH_NAME, type DocumentLimits, type RiskHubSettings } from './config';
import { AssessmentDocument } from './documents/document.entity';
import { DocumentService } from './documents/documentService';
import type { DocumentStorage } from './documents/documentStorage';
import { DocumentVersion } from './documents/documentVersion.entity';
import { PostgresDocumentStorage } from './documents/postgresDocumentStorage';
import { S3DocumentStorage } from './documents/s3DocumentStorage';
import { Hazard } from './hazards/hazard.entity';
import { HazardService } from './hazards/hazardService';
import { Measure } from './measures/measure.entity';
import { MeasureService } from './measures/measureService';
import { OverdueCheck } from './measures/overdueCheck';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedRiskHubDemo } from './seed/demoSeed';
import type { RiskHubContext, RiskHubServices } from './services';

export const typeDefs = loadSchemaFile(join(workspaceRoot(__dirname), 'schema.graphql'));

export interface RiskHubOptions {
  /** Defaults to the environment (subgraphs/risk-hub/README.md, "Configuration"). */
  settings?: RiskHubSettings;
  /**
   * Live service configs of `risk-hub` (`documents.maxBytes`, per tenant or global, overrides the
   * default). Absent: a ConfigClient following plattform's configs is started; null: none.
   */
  configReader?: ConfigReader | null;
}

function createStorage(settings: RiskHubSettings): DocumentStorage {
  if (settings.documentStorage === 's3') {
    if (!settings.s3) throw new Error('S3 document storage needs RISK_HUB_S3_* settings');
    return new S3DocumentStorage(settings.s3);
  }
  return new PostgresDocumentStorage();
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** risk-hub on the shared kit. Settings are read when it starts, not when this is imported. */
export function riskHubDefinition(options: RiskHubOptions = {}): HubSubgraphDefinition<RiskHubServices> {
  let settings: RiskHubSettings | null = options.settings ?? null;
  const current = () => (settings ??= riskHubSettingsFromEnv());
  let configReader: ConfigReader | null = options.configReader ?? null;
  let ownConfigClient: ConfigClient | null = null;
  return {
    name: SUBGRAPH_NAME,
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<RiskHubContext>,
    entities: [Assessment, Hazard, Measure, AuditEntry, AssessmentDocument, DocumentVersion],
    migrations,
    createServices: ({ database, eventBus, logger }) => {
      if (options.configReader === undefined) {
        ownConfigClient = new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus, logger, services: [SUBGRAPH_NAME] });
        configReader = ownConfigClient;
      }
      const audit = new AuditTrail();
      const assessments = new AssessmentService(audit);
      const hazards = new HazardService(assessments, audit);
      const limits = (orgId: string | null): DocumentLimits => ({
        ...current().documentLimits,
        maxBytes: configValue(configReader ?? undefined, SUBGRAPH_NAME, 'documents.maxBytes', orgId, current().documentLimits.maxBytes, isPositiveInteger),
      });
      return {
        assessments,
        hazards,
        measures: new MeasureService(assessments, hazards, audit),
        documents: new DocumentService(assessments, audit, createStorage(current()), limits),
        audit,
        overdue: new OverdueCheck(database, audit, logger),
        eventBus,
      };
    },
    startBackground: async (services): Promise<BackgroundTask[]> => {
      const tasks: BackgroundTask[] = [];
      const client = ownConfigClient;
      if (client) {
        // Never throws for an unreachable database: documented defaults apply until it loads.
        await client.start();
        tasks.push({ stop: () => client.stop() });
      }
      const interval = current().overdueCheckIntervalMs;
      if (interval > 0) tasks.push(services.overdue.schedule(interval));
      return tasks;
    },
  };
}

/** What the dev stack, the tests and `main.ts` run. */
export function createRiskHubModule(options: RiskHubOptions = {}): HubSubgraphModule<RiskHubServices> {
  return hubSubgraphModule(riskHubDefinition(options), { seedDemo: seedRiskHubDemo });
}

/**
 * The module as registries hold it (`HubSubgraphModule[]`): the kit's module type is invariant in
 * its services (yoga's context type), so the list type erases them here, once.
 */
export const riskHubModule = createRiskHubModule() as unknown as HubSubgraphModule;
