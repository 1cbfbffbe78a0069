import { eventLogMigration } from '@hub/core';
import { RiskAssessments1763769600000 } from '../migrations/1763769600000-RiskAssessments';

/** Every migration of this subgraph, in order. */
export const migrations = [RiskAssessments1763769600000, eventLogMigration('risk_hub')];
