import { IdentitySlice1763683200000 } from '../migrations/1763683200000-IdentitySlice';

/** Every migration of this subgraph, in order. */
export const migrations = [IdentitySlice1763683200000];
