import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires"])';

/** The four subgraphs of the public gateway benchmarks: users with reviews of products with inventory. */
export const SUBGRAPHS: Record<string, string> = {
  accounts: `${LINK}
    type Query { me: User users: [User!]! }
    type User @key(fields: "id") { id: ID! name: String username: String }`,
  products: `${LINK}
    type Query { topProducts(first: Int = 5): [Product!]! }
    type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
  inventory: `${LINK}
    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      price: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }`,
  reviews: `${LINK}
    type Review @key(fields: "id") { id: ID! body: String author: User product: Product }
    type User @key(fields: "id") { id: ID! reviews: [Review!]! }
    type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }`,
};

const users = [1, 2, 3, 4].map((n) => ({ id: String(n), name: `User ${n}`, username: `user${n}` }));
const products = [1, 2, 3, 4, 5].map((n) => ({ upc: String(n), name: `Product ${n}`, price: 100 * n, weight: 10 * n }));
const reviews = Array.from({ length: 10 }, (_, index) => ({
  id: String(index + 1),
  body: `Review ${index + 1}`,
  authorId: users[index % users.length]!.id,
  upc: products[index % products.length]!.upc,
}));

const RESOLVERS: Record<string, GraphQLResolverMap<unknown>> = {
  accounts: {
    Query: { me: () => users[0], users: () => users },
    User: { __resolveReference: (ref: { id: string }) => users.find((user) => user.id === ref.id) },
  },
  products: {
    Query: { topProducts: (_: unknown, args: { first: number }) => products.slice(0, args.first) },
    Product: { __resolveReference: (ref: { upc: string }) => products.find((product) => product.upc === ref.upc) },
  },
  inventory: {
    Product: {
      __resolveReference: (ref: { upc: string; price?: number; weight?: number }) => ({ ...ref, inStock: Number(ref.upc) % 2 === 1 }),
      shippingEstimate: (product: { price?: number; weight?: number }) => ((product.price ?? 0) > 1000 ? 0 : (product.weight ?? 0) / 2),
    },
  },
  reviews: {
    Review: {
      __resolveReference: (ref: { id: string }) => reviews.find((review) => review.id === ref.id),
      author: (review: { authorId: string }) => ({ __typename: 'User', id: review.authorId }),
      product: (review: { upc: string }) => ({ __typename: 'Product', upc: review.upc }),
    },
    User: {
      __resolveReference: (ref: { id: string }) => ref,
      reviews: (user: { id: string }) => reviews.filter((review) => review.authorId === user.id),
    },
    Product: {
      __resolveReference: (ref: { upc: string }) => ref,
      reviews: (product: { upc: string }) => reviews.filter((review) => review.upc === product.upc),
    },
  },
};

/** Parsed-and-validated documents by text: the gateways send the same few subgraph queries. */
function documentCache(schema: GraphQLSchema): (query: string) => DocumentNode {
  const cache = new Map<string, DocumentNode>();
  return (query) => {
    let document = cache.get(query);
    if (!document) {
      document = parse(query);
      const errors = validate(schema, document);
      if (errors.length > 0) throw errors[0];
      cache.set(query, document);
    }
    return document;
  };
}

/** GraphQL requests answered by all four subgraphs (GET /requests): the bench's requests per operation. */
let graphqlRequests = 0;

/**
 * The data never changes, so each distinct request body is executed once and its answer replayed:
 * the subgraphs stay cheap and the benchmark measures the gateways, not graphql-js in the subgraphs.
 */
const MAX_ANSWERS = 10_000;

function handler(schema: GraphQLSchema, jwks: unknown) {
  const documentOf = documentCache(schema);
  const answers = new Map<string, string>();
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      return;
    }
    if (request.url === '/requests') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests: graphqlRequests }));
      return;
    }
    graphqlRequests += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const answered = answers.get(text);
      if (answered !== undefined) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(answered);
        return;
      }
      const body = JSON.parse(text) as { query: string; variables?: Record<string, unknown> };
      // _entities resolves through promises even when every resolver is synchronous.
      void Promise.resolve(execute({ schema, document: documentOf(body.query), variableValues: body.variables })).then((result) => {
        const json = JSON.stringify(result);
        if (answers.size < MAX_ANSWERS) answers.set(text, json);
        response.writeHead(200, { 'content-type': 'application/json' }).end(json);
      });
    });
  };
}

/** Child-process entry: starts the four subgraphs (and the JWKS) and prints their URLs. */
async function main(): Promise<void> {
  const jwks = JSON.parse(process.env.BENCH_JWKS ?? '{"keys":[]}') as unknown;
  const urls: Record<string, string> = {};
  for (const [name, typeDefs] of Object.entries(SUBGRAPHS)) {
    const schema = buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: RESOLVERS[name] }]);
    const server = createServer(handler(schema, jwks));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }
  process.stdout.write(`READY ${JSON.stringify(urls)}\n`);
}

if (require.main === module) void main();
