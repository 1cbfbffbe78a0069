import { ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, Supergraph } from '@apollo/federation-internals';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/**
 * The graph as clients see it: the supergraph without federation internals (`join__*`, `link__*`,
 * `@inaccessible` elements). Client code generators, editors and the registry's checks read this.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  // Authorization directives (@requiresScopes, @authenticated) are SECURITY features the gateway enforces.
  return Supergraph.build(supergraphSdl, { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES }).apiSchema().toGraphQLJSSchema();
}

export function apiSchemaSdl(supergraphSdl: string): string {
  return `${printSchema(lexicographicSortSchema(apiSchemaOf(supergraphSdl)))}\n`;
}
