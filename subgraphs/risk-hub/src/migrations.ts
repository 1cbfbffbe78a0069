import { eventLogMigration, outboxTraceContextMigration } from '@hub/core';
import { RiskAssessments1763769600000 } from '../migrations/1763769600000-RiskAssessments';
import { ActorAccountability1765000000000 } from '../migrations/1765000000000-ActorAccountability';

/** Every migration of this subgraph, in order. */
export const migrations = [RiskAssessments1763769600000, eventLogMigration('risk_hub'), ActorAccountability1765000000000, outboxTraceContextMigration('risk_hub')];
