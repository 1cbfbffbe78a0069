import { eventLogMigration, outboxTraceContextMigration } from '@hub/core';
import { IdentitySlice1763683200000 } from '../migrations/1763683200000-IdentitySlice';
import { ConfigsAndTokenLifecycle1763790000000 } from '../migrations/1763790000000-ConfigsAndTokenLifecycle';
import { TenantsAndQuotas1763800000000 } from '../migrations/1763800000000-TenantsAndQuotas';
import { ServiceAccounts1764000000000 } from '../migrations/1764000000000-ServiceAccounts';
import { ConfigOperators1764100000000 } from '../migrations/1764100000000-ConfigOperators';
import { OperatorOwnedConfigs1765100000000 } from '../migrations/1765100000000-OperatorOwnedConfigs';
import { RefreshReuseGrace1765200000000 } from '../migrations/1765200000000-RefreshReuseGrace';
import { InvitationLifecycle1765300000000 } from '../migrations/1765300000000-InvitationLifecycle';
import { ServiceConfigsContract1765500000000 } from '../migrations/1765500000000-ServiceConfigsContract';

/** Every migration of this subgraph, in order. */
export const migrations = [
  IdentitySlice1763683200000,
  ConfigsAndTokenLifecycle1763790000000,
  TenantsAndQuotas1763800000000,
  ServiceAccounts1764000000000,
  ConfigOperators1764100000000,
  eventLogMigration('plattform'),
  OperatorOwnedConfigs1765100000000,
  RefreshReuseGrace1765200000000,
  InvitationLifecycle1765300000000,
  outboxTraceContextMigration('plattform'),
  ServiceConfigsContract1765500000000,
];
