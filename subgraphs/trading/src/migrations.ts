import { eventLogMigration, outboxTraceContextMigration } from '@hub/core';
import { TradingSlice1763942400000 } from '../migrations/1763942400000-TradingSlice';

/** Every migration of this subgraph, in order. */
export const migrations = [TradingSlice1763942400000, eventLogMigration('trading'), outboxTraceContextMigration('trading')];
