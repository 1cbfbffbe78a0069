import { Supergraph } from '@apollo/federation-internals';
import { lexicographicSortSchema, printSchema } from 'graphql';

/**
 * The graph as clients see it: the supergraph without federation internals (`join__*`, `link__*`,
 * `@inaccessible` elements). Client code generators and editors read this, never the supergraph.
 */
export function apiSchemaSdl(supergraphSdl: string): string {
  const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
