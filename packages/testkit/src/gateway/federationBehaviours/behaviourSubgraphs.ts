import { composeServices } from '@apollo/composition';
import { LocalGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLSchema } from 'graphql';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@external", "@requires", "@interfaceObject"])';

/** Every comment of a post, newest first: `comments(limit)` answers the first `limit`. */
const COMMENTS: Record<string, Array<{ id: string; authorId: string }>> = {
  p1: [
    { id: 'c1', authorId: 'a1' },
    { id: 'c2', authorId: 'a2' },
    { id: 'c3', authorId: 'a3' },
    { id: 'c4', authorId: 'a4' },
  ],
};

type Resolvers = GraphQLResolverMap<unknown>;

export interface SubgraphDefinition {
  readonly typeDefs: string;
  readonly resolvers: Resolvers;
}

/**
 * `posts` owns posts and their comments (a field with an argument); `stats` computes fields that
 * `@requires` that field with different arguments.
 */
const REQUIRES_WITH_ARGUMENTS: Record<string, SubgraphDefinition> = {
  posts: {
    typeDefs: `
      type Query { feed: [Post!]! }
      type Post @key(fields: "id") { id: ID! comments(limit: Int!): [Comment!]! }
      type Comment @shareable { id: ID! authorId: ID! }
    `,
    resolvers: {
      Query: { feed: () => [{ id: 'p1' }] },
      Post: {
        __resolveReference: (post: { id: string }) => post,
        comments: (post: { id: string }, { limit }: { limit: number }) => (COMMENTS[post.id] ?? []).slice(0, limit),
      },
    },
  },
  stats: {
    typeDefs: `
      type Post @key(fields: "id") {
        id: ID!
        comments(limit: Int!): [Comment!]! @external
        "The ids of the comments it was given by comments(limit: 1)."
        latestCommentIds: [ID!]! @requires(fields: "comments(limit: 1) { id }")
        "The ids of the comments it was given by comments(limit: 3)."
        recentCommentIds: [ID!]! @requires(fields: "comments(limit: 3) { id }")
        "The authors of the comments it was given by comments(limit: 3)."
        recentAuthorIds: [ID!]! @requires(fields: "comments(limit: 3) { authorId }")
      }
      type Comment @shareable { id: ID! authorId: ID! }
    `,
    resolvers: {
      Post: {
        __resolveReference: (post: unknown) => post,
        latestCommentIds: (post: { comments: Array<{ id: string }> }) => post.comments.map((comment) => comment.id),
        recentCommentIds: (post: { comments: Array<{ id: string }> }) => post.comments.map((comment) => comment.id),
        recentAuthorIds: (post: { comments: Array<{ authorId: string }> }) => post.comments.map((comment) => comment.authorId),
      },
    },
  },
};

/** A product as each subgraph knows it: by `id`, by `upc region`, by `ref { code version }`. */
const PRODUCT = { id: 'prod-1', upc: '0042', region: 'EU', ref: { code: 'R-7', version: 3 }, name: 'Lamp', stock: 12, price: 49 };

function findProduct(key: Record<string, unknown>): typeof PRODUCT | null {
  if (key.id !== undefined) return key.id === PRODUCT.id ? PRODUCT : null;
  if (key.upc !== undefined) return key.upc === PRODUCT.upc && key.region === PRODUCT.region ? PRODUCT : null;
  const ref = key.ref as { code?: string; version?: number } | undefined;
  if (ref) return ref.code === PRODUCT.ref.code && ref.version === PRODUCT.ref.version ? PRODUCT : null;
  return null;
}

/**
 * A chain of subgraphs that each know the product by other keys: `catalog` (single key `id`) →
 * `inventory` (`id`, composite `upc region`) → `registry` (composite `upc region`, nested
 * `ref { code version }`) → `pricing` (nested only). A reference by any other key finds nothing.
 */
const SEVERAL_KEYS: Record<string, SubgraphDefinition> = {
  catalog: {
    typeDefs: `
      type Query { featured: Product! }
      type Product @key(fields: "id") { id: ID! name: String! }
    `,
    resolvers: {
      Query: { featured: () => ({ id: PRODUCT.id }) },
      Product: { __resolveReference: (key: Record<string, unknown>) => findProduct(key), name: () => PRODUCT.name },
    },
  },
  inventory: {
    typeDefs: `
      type Product @key(fields: "id") @key(fields: "upc region") { id: ID! upc: String! region: String! stock: Int! }
    `,
    resolvers: { Product: { __resolveReference: (key: Record<string, unknown>) => findProduct(key) } },
  },
  registry: {
    typeDefs: `
      type Product @key(fields: "upc region") @key(fields: "ref { code version }") { upc: String! region: String! ref: Ref! }
      type Ref @shareable { code: String! version: Int! }
    `,
    resolvers: { Product: { __resolveReference: (key: Record<string, unknown>) => findProduct(key) } },
  },
  pricing: {
    typeDefs: `
      type Product @key(fields: "ref { code version }") { ref: Ref! price: Int! }
      type Ref @shareable { code: String! version: Int! }
    `,
    resolvers: { Product: { __resolveReference: (key: Record<string, unknown>) => findProduct(key) } },
  },
};

/**
 * `media` owns the interface `Media` and its implementations; `media-reviews` adds a field to every
 * Media through `@interfaceObject` and is the only subgraph with a root field returning Media. A
 * Media that `media` does not know (m-unknown) has no concrete type.
 */
const INTERFACE_OBJECT: Record<string, SubgraphDefinition> = {
  media: {
    typeDefs: `
      interface Media @key(fields: "id") { id: ID! title: String! }
      type Book implements Media @key(fields: "id") { id: ID! title: String! pages: Int! }
      type Query { media(id: ID!): Media }
    `,
    resolvers: {
      Query: { media: (_root: unknown, { id }: { id: string }) => (id === 'm-book' ? { id, __typename: 'Book' } : null) },
      Media: { __resolveReference: ({ id }: { id: string }) => (id === 'm-book' ? { id, __typename: 'Book' } : null) },
      Book: { __resolveReference: ({ id }: { id: string }) => (id === 'm-book' ? { id } : null), title: () => 'Dune', pages: () => 412 },
    },
  },
  // A name that is no GraphQL name (as `risk-hub`): subgraph operation names are derived from it.
  'media-reviews': {
    typeDefs: `
      type Media @key(fields: "id") @interfaceObject { id: ID! rating: Int! }
      type Query { topRated: [Media!] }
    `,
    resolvers: {
      Query: { topRated: () => [{ id: 'm-book' }, { id: 'm-unknown' }] },
      Media: { __resolveReference: ({ id }: { id: string }) => ({ id }), rating: ({ id }: { id: string }) => (id === 'm-book' ? 5 : 2) },
    },
  },
};

export const BEHAVIOUR_SUPERGRAPHS = {
  'requires with arguments': REQUIRES_WITH_ARGUMENTS,
  'several keys': SEVERAL_KEYS,
  'interface object': INTERFACE_OBJECT,
} as const;

export type BehaviourSupergraph = keyof typeof BEHAVIOUR_SUPERGRAPHS;

/** A composed supergraph and its subgraphs executed in process (the gateway's data source interface). */
export interface BehaviourFederation {
  readonly supergraphSdl: string;
  readonly schemas: Record<string, GraphQLSchema>;
  dataSource(name: string): LocalGraphQLDataSource;
}

export function behaviourFederation(name: BehaviourSupergraph): BehaviourFederation {
  return federationOf(BEHAVIOUR_SUPERGRAPHS[name] as Record<string, SubgraphDefinition>);
}

/** Subgraphs (type definitions under the federation link, resolvers) composed and executed in process. */
export function federationOf(definitions: Record<string, SubgraphDefinition>): BehaviourFederation {
  const schemas: Record<string, GraphQLSchema> = {};
  for (const [subgraph, definition] of Object.entries(definitions)) {
    schemas[subgraph] = buildSubgraphSchema([{ typeDefs: parse(`${LINK}\n${definition.typeDefs}`), resolvers: definition.resolvers }]);
  }
  const composed = composeServices(
    Object.entries(definitions).map(([subgraph, definition]) => ({ name: subgraph, url: `http://${subgraph}.test/graphql`, typeDefs: parse(`${LINK}\n${definition.typeDefs}`) })),
  );
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  return {
    supergraphSdl: composed.supergraphSdl,
    schemas,
    dataSource: (subgraph) => new LocalGraphQLDataSource(schemas[subgraph]!),
  };
}
