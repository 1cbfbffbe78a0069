/**
 * Composition alone (`@hub/gateway/composition`): read supergraph.yaml, compose, print the API
 * schema. The compose scripts run on every build and scaffold; this entry keeps them from loading
 * the gateway's server, executor and subscriptions.
 */
export { apiSchemaSdl } from './apiSchema';
export { composeSubgraphSchemas, composeSupergraph, CompositionError, readSubgraphSchemas, type SubgraphSchema } from './composeSupergraph';
export { applyRoutingOverrides, routingOverridesFor } from './routingOverrides';
export { readSupergraphConfig, type SubgraphSource } from './supergraphConfig';
