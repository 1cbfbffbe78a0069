import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createGateway, gatewayConfigFrom, type Gateway } from '../src';
import { composeFixtures, post, startFixtureSubgraph, type FixtureSubgraph } from '@hub/testkit/gateway/fixtureSubgraphs';
import { eventually } from '@hub/testkit/eventually';

const V1 = 'type Query { greeting: String }';
const V2 = 'type Query { greeting: String farewell: String }';

describe('hot-reloaded supergraph under load', () => {
  let v1: FixtureSubgraph;
  let v2: FixtureSubgraph;
  let gateway: Gateway;
  const logLines: string[] = [];

  afterAll(async () => {
    await gateway?.stop();
    await v1?.stop();
    await v2?.stop();
  });

  it('a valid change is swapped in and a broken one rejected, with zero failed requests', async () => {
    v1 = await startFixtureSubgraph('greeter', V1, { Query: { greeting: () => 'hello' } });
    v2 = await startFixtureSubgraph('greeter', V2, { Query: { greeting: () => 'hello', farewell: () => 'bye' } });
    const dir = await mkdtemp(join(tmpdir(), 'supergraph-'));
    const path = join(dir, 'supergraph.graphql');
    // As a deploy step replaces the file: written aside, then renamed over it. A write in place can be
    // read half-done by the watcher (rejected, as it should be), which would count one rejection too many.
    const publish = async (sdl: string) => {
      await writeFile(`${path}.next`, sdl);
      await rename(`${path}.next`, path);
    };
    await publish(composeFixtures([{ name: 'greeter', url: v1.url, typeDefs: V1 }]));
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _encoding, done) => { logLines.push(String(chunk)); done(); } }));
    gateway = await createGateway({
      config: { ...gatewayConfigFrom([]), supergraphPath: path, supergraphWatchMs: 50 },
      logger,
    });
    const url = `${(await gateway.listen(0)).url}/graphql`;

    let running = true;
    let sent = 0;
    const failures: unknown[] = [];
    const load = (async () => {
      while (running) {
        const batch = await Promise.all(Array.from({ length: 4 }, () => post(url, { query: '{ greeting }' })));
        for (const result of batch) {
          sent += 1;
          if (result.status !== 200 || result.body.data?.greeting !== 'hello') failures.push(result.body);
        }
      }
    })();

    try {
      const farewell = () => post(url, { query: '{ farewell }' });
      expect((await farewell()).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

      await publish(composeFixtures([{ name: 'greeter', url: v2.url, typeDefs: V2 }]));
      await eventually(async () => (await farewell()).body.data?.farewell === 'bye', 10_000, 'the new supergraph applied');

      await publish('schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query } type Query {');
      await eventually(() => logLines.some((line) => line.includes('supergraph rejected')), 10_000, 'the broken supergraph reported');
      // The previous (valid) supergraph keeps serving, new field included.
      expect((await farewell()).body).toEqual({ data: { farewell: 'bye' } });

    } finally {
      running = false;
      await load;
    }
    expect(sent).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    const metrics = await (await fetch(url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/gateway_supergraph_reloads_total\{result="applied"\} 1/);
    expect(metrics).toMatch(/gateway_supergraph_reloads_total\{result="rejected"\} 1/);
  });
});
