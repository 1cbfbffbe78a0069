import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@hub/core';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { composeFixtures, post, startFixtureSubgraph, type FixtureSubgraph } from '@hub/testkit/gateway/fixtureSubgraphs';
import { machineTime } from '@hub/testkit/machineTime';

const PRODUCTS = 'type Query { products: [Product!]! } type Product @key(fields: "id") { id: ID! name: String! }';
const STOCK = 'type Product @key(fields: "id") { id: ID! inStock: Int }';

const products = [{ id: 'p1', name: 'Anvil' }, { id: 'p2', name: 'Rope' }];
const stockResolvers = { Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, inStock: ref.id === 'p1' ? 3 : 0 }) } };

/** What jest can fake, Date aside: the gateway's sockets and timers must run on real time. */
const TIMERS_BUT_DATE = [
  'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback',
  'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout',
] as const;

describe('a subgraph that goes away', () => {
  let productsSubgraph: FixtureSubgraph;
  let stock: FixtureSubgraph;
  let gateway: Gateway;
  let url: string;
  const QUERY = '{ products { id name inStock } }';

  beforeAll(async () => {
    productsSubgraph = await startFixtureSubgraph('products', PRODUCTS, { Query: { products: () => products } });
    stock = await startFixtureSubgraph('stock', STOCK, stockResolvers);
    const config = gatewayConfigFrom([]);
    gateway = await createGateway({
      config: { ...config, subgraphs: { ...config.subgraphs, breakerFailureThreshold: 3, breakerResetMs: 500, queryRetries: 1, timeoutMs: 2000 } },
      supergraphSdl: composeFixtures([productsSubgraph, stock]),
      logger: createLogger('test'),
    });
    url = `${(await gateway.listen(0)).url}/graphql`;
  });
  afterAll(async () => {
    await gateway.stop();
    await productsSubgraph.stop();
    await stock.stop();
  });

  it('yields partial data with an error for its fields, opens the breaker, and recovers when it returns', async () => {
    const healthy = await post(url, { query: QUERY });
    expect(healthy.body).toEqual({ data: { products: [{ id: 'p1', name: 'Anvil', inStock: 3 }, { id: 'p2', name: 'Rope', inStock: 0 }] } });

    const port = stock.port;
    await stock.stop();
    const partial = await post(url, { query: QUERY });
    expect(partial.status).toBe(200);
    expect(partial.body.data).toEqual({ products: [{ id: 'p1', name: 'Anvil', inStock: null }, { id: 'p2', name: 'Rope', inStock: null }] });
    expect(partial.body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'stock' });
    expect(JSON.stringify(partial.body.errors)).not.toMatch(/ECONNREFUSED|at .*\.js/);

    // Two failed attempts per query (one retry): the second query reaches the threshold of 3.
    await post(url, { query: QUERY });
    const fastFail = await post(url, { query: QUERY });
    expect(fastFail.body.errors?.[0]?.message).toMatch(/circuit open/);
    expect(fastFail.body.data).toMatchObject({ products: [{ name: 'Anvil', inStock: null }, { name: 'Rope', inStock: null }] });
    const metrics = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_subgraph_circuit_state\{subgraph="stock"\} 2/);
    expect(metrics).toMatch(/gateway_subgraph_errors_total\{subgraph="stock",reason="circuit_open"\} [1-9]/);

    stock = await startFixtureSubgraph('stock', STOCK, stockResolvers, port);
    // The breaker lets a trial call through once its reset time (500 ms) has passed in its clock,
    // Date. Only Date is faked, and moved past that; sockets and timers keep real time.
    jest.useFakeTimers({ doNotFake: [...TIMERS_BUT_DATE], advanceTimers: true });
    try {
      jest.setSystemTime(Date.now() + 600);
      const recovered = await post(url, { query: QUERY });
      expect(recovered.body).toEqual(healthy.body);
    } finally {
      jest.useRealTimers();
    }
  });

});

describe('retries', () => {
  it('a failed query is retried once, a failed mutation never', async () => {
    const FLAKY = 'type Query { peek: Int } type Mutation { touch: Int }';
    // A subgraph that answers every call with 503: each attempt is visible in the count.
    let attempts = 0;
    const server = createServer((_request, response) => {
      attempts += 1;
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const flakyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const config = gatewayConfigFrom([]);
    const gateway = await createGateway({
      config: { ...config, subgraphs: { ...config.subgraphs, queryRetries: 1, breakerFailureThreshold: 100 } },
      supergraphSdl: composeFixtures([{ name: 'flaky', url: flakyUrl, typeDefs: FLAKY }]),
      logger: createLogger('test'),
    });
    try {
      const url = `${(await gateway.listen(0)).url}/graphql`;
      const query = await post(url, { query: '{ peek }' });
      expect(query.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(attempts).toBe(2);
      const mutation = await post(url, { query: 'mutation { touch }' });
      expect(mutation.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(attempts).toBe(3);
    } finally {
      await gateway.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the deadline of a subgraph call', () => {
  it('a subgraph that never answers is a SUBGRAPH_TIMEOUT at the deadline; a body that is not JSON is SUBGRAPH_UNAVAILABLE', async () => {
    const SLOW = 'type Query { slow: Int garbled: Int }';
    // Holds `slow` calls open until the test ends; answers `garbled` with HTML.
    const held: Array<() => void> = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (Buffer.concat(chunks).toString().includes('garbled')) {
          response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy error</html>');
          return;
        }
        held.push(() => response.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const config = gatewayConfigFrom([]);
    const gateway = await createGateway({
      config: { ...config, subgraphs: { ...config.subgraphs, timeoutMs: 300, queryRetries: 0, breakerFailureThreshold: 100 } },
      supergraphSdl: composeFixtures([{ name: 'slow', url: slowUrl, typeDefs: SLOW }]),
      logger: createLogger('test'),
    });
    try {
      const url = `${(await gateway.listen(0)).url}/graphql`;
      const started = performance.now();
      const slow = await post(url, { query: '{ slow }' });
      const elapsed = performance.now() - started;
      expect(slow.body.data).toEqual({ slow: null });
      expect(slow.body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_TIMEOUT', serviceName: 'slow' });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(machineTime(2_000));
      expect(held.length).toBe(1);

      const garbled = await post(url, { query: '{ garbled }' });
      expect(garbled.body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'slow' });
      expect(garbled.body.errors?.[0]?.message).toMatch(/did not answer \(bad_response\)/);
    } finally {
      for (const release of held) release();
      await gateway.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
