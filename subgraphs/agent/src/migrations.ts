import { eventLogMigration, outboxTraceContextMigration } from '@hub/core';
import { AgentCoordination1763856000000 } from '../migrations/1763856000000-AgentCoordination';

/** Every migration of this subgraph, in order. */
export const migrations = [AgentCoordination1763856000000, eventLogMigration('agent'), outboxTraceContextMigration('agent')];
