/**
 * The schema registry without the gateway server (`@hub/gateway/registry`): what `npm run schema:*`
 * needs. Each of those commands is a process of its own, and loading the server's modules as well
 * would add about 40 % to its CPU time.
 */
export * from '../supergraph/supergraphConfig';
export * from '../supergraph/composeSupergraph';
export * from './registryDatabase';
export * from './registryStore';
export * from './registryChannel';
export * from './schemaCheck';
export * from './schemaChanges';
export * from './schemaPublisher';
export * from './fetchSubgraphSdl';
export type { ClientUsageSources } from './clientUsage';
