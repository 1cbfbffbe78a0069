import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { composeSupergraph, CompositionError, readSupergraphConfig } from '../src';
import { applyRoutingOverrides, routingOverridesFromEnv } from '../src/supergraph/routingOverrides';
import { subgraphEndpoints } from '../src/supergraph/subgraphEndpoints';

const ROOT = resolve(__dirname, '../..');

describe('supergraph composition', () => {
  it('the committed supergraph.graphql is what supergraph.yaml composes to', async () => {
    const config = await readSupergraphConfig(join(ROOT, 'supergraph.yaml'));
    expect(config.subgraphs.map((subgraph) => subgraph.name)).toContain('plattform');
    const composed = await composeSupergraph(config.subgraphs);
    expect(await readFile(join(ROOT, 'supergraph.graphql'), 'utf8')).toBe(composed);
  });

  it('reports every composition error instead of producing a supergraph', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'compose-'));
    await writeFile(join(dir, 'a.graphql'), 'type Query { thing: Thing } type Thing @key(fields: "id") { id: ID! size: Int }');
    await writeFile(join(dir, 'b.graphql'), 'type Query { other: Thing } type Thing @key(fields: "id") { id: ID! size: String }');
    const extend = (file: string) =>
      readFile(join(dir, file), 'utf8').then((sdl) =>
        writeFile(join(dir, file), `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n${sdl}`),
      );
    await Promise.all([extend('a.graphql'), extend('b.graphql')]);
    const failure = composeSupergraph([
      { name: 'a', routingUrl: 'http://127.0.0.1:1/graphql', schemaFile: join(dir, 'a.graphql') },
      { name: 'b', routingUrl: 'http://127.0.0.1:2/graphql', schemaFile: join(dir, 'b.graphql') },
    ]);
    await expect(failure).rejects.toBeInstanceOf(CompositionError);
    await expect(failure).rejects.toThrow(/Thing\.size/);
  });

  it('SUBGRAPH_URL_<NAME> replaces one routing URL and leaves the rest', async () => {
    const sdl = await readFile(join(ROOT, 'supergraph.graphql'), 'utf8');
    const overrides = routingOverridesFromEnv({ SUBGRAPH_URL_PLATTFORM: 'http://plattform:4001/graphql', OTHER: 'x' });
    expect(overrides).toEqual({ PLATTFORM: 'http://plattform:4001/graphql' });
    const original = subgraphEndpoints(sdl);
    expect(original).toContainEqual({ name: 'plattform', url: 'http://127.0.0.1:4001/graphql' });
    // Every other subgraph keeps its URL.
    expect(subgraphEndpoints(applyRoutingOverrides(sdl, overrides))).toEqual(
      original.map((endpoint) => (endpoint.name === 'plattform' ? { name: 'plattform', url: 'http://plattform:4001/graphql' } : endpoint)),
    );
  });
});
