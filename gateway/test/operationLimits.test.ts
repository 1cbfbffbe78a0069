import { request as httpRequest } from 'node:http';
import { createLogger } from '@hub/core';
import { createGateway, gatewayConfigFrom, type Gateway, type GatewayConfig } from '../src';
import { composeFixtures, post, startFixtureSubgraph, type FixtureSubgraph } from '@hub/testkit/gateway/fixtureSubgraphs';

const TYPE_DEFS = /* GraphQL */ `
  type Query { node: Node  a: Int  b: Int  c: Int }
  type Node { id: ID!  value: Int  child: Node }
`;

function nested(depth: number): string {
  return `${'{ child '.repeat(depth)}{ id }${' }'.repeat(depth)}`;
}

describe('operation limits answer with a stable code', () => {
  let subgraph: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  const limits: GatewayConfig['limits'] = {
    maxDepth: 5,
    maxAliases: 3,
    maxRootFields: 3,
    maxTokens: 200,
    maxDirectives: 4,
    maxCost: 40,
    maxBodyBytes: 4000,
    maxBatchSize: 0,
  };

  beforeAll(async () => {
    const node = (depth: number): Record<string, unknown> => ({ id: String(depth), value: depth, child: depth < 40 ? node(depth + 1) : null });
    subgraph = await startFixtureSubgraph('tree', TYPE_DEFS, { Query: { node: () => node(0), a: () => 1, b: () => 2, c: () => 3 } });
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), limits },
      supergraphSdl: composeFixtures([subgraph]),
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterAll(async () => {
    await gateway.stop();
    await subgraph.stop();
  });

  async function codeOf(query: string): Promise<unknown> {
    const { body } = await post(url, { query });
    expect(body.data ?? null).toBeNull();
    return body.errors?.[0]?.extensions?.code;
  }

  it('a query within every limit runs (control case)', async () => {
    const { body } = await post(url, { query: `{ a b node ${nested(2)} }` });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ a: 1, b: 2, node: { child: { child: { id: '2' } } } });
  });

  it('max depth', async () => {
    expect(await codeOf(`{ node ${nested(6)} }`)).toBe('MAX_DEPTH_EXCEEDED');
  });

  it('max aliases', async () => {
    expect(await codeOf('{ x1: a x2: a x3: a x4: a }')).toBe('MAX_ALIASES_EXCEEDED');
  });

  it('max root fields', async () => {
    expect(await codeOf('{ a b c node { id } }')).toBe('MAX_ROOT_FIELDS_EXCEEDED');
  });

  it('max directives', async () => {
    expect(await codeOf('{ a @skip(if: false) @skip(if: false) @skip(if: false) @include(if: true) @include(if: true) }')).toBe(
      'MAX_DIRECTIVES_EXCEEDED',
    );
  });

  it('max tokens', async () => {
    expect(await codeOf(`{ a ${'__typename '.repeat(250)} }`)).toBe('MAX_TOKENS_EXCEEDED');
  });

  it('cost ceiling', async () => {
    const wide = '{ id value child { id value child { id value child { id value } } } }';
    expect(await codeOf(`{ node ${wide} a b }`)).toBe('COST_LIMIT_EXCEEDED');
  });

  it('max body size: HTTP 413 before parsing', async () => {
    const response = await post(url, { query: '{ a }', variables: { padding: 'x'.repeat(5000) } });
    expect(response.status).toBe(413);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TOO_LARGE');
  });

  it('max body size without a Content-Length (chunked): HTTP 413 while reading; a small chunked body is answered', async () => {
    const chunked = (body: string) =>
      new Promise<{ status: number; body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }>((resolve, reject) => {
        const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
        });
        request.on('error', reject);
        // Several chunks, so the cap is met while the body streams in.
        for (let offset = 0; offset < body.length; offset += 1000) request.write(body.slice(offset, offset + 1000));
        request.end();
      });
    const large = await chunked(JSON.stringify({ query: '{ a }', variables: { padding: 'x'.repeat(5000) } }));
    expect(large.status).toBe(413);
    expect(large.body.errors?.[0]?.extensions?.code).toBe('REQUEST_TOO_LARGE');
    const small = await chunked(JSON.stringify({ query: '{ a }' }));
    expect(small).toEqual({ status: 200, body: { data: { a: 1 } } });
  });

  it('batched requests are refused by default', async () => {
    const response = await post(url, [{ query: '{ a }' }, { query: '{ b }' }]);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.body.errors?.[0]?.message).toMatch(/batch/i);
  });
});
