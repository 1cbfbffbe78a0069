import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CompositionError, composeSupergraph, readSupergraphConfig, type SubgraphSource } from '@hub/gateway/composition';
import { composedSupergraph } from '../src/composedSupergraph';

const SUPERGRAPH_YAML = resolve(__dirname, '../../../supergraph.yaml');

/** A stack's supergraph is composed once per schema set and routed per start; never a stale one. */
describe('composedSupergraph', () => {
  let cacheDir: string;
  let scratch: string;
  let subgraphs: SubgraphSource[];
  const routing = { plattform: 'http://127.0.0.1:41001/graphql', 'risk-hub': 'http://127.0.0.1:41002/graphql' };

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'hub-supergraph-cache-'));
    scratch = await mkdtemp(join(tmpdir(), 'hub-supergraph-schemas-'));
    subgraphs = (await readSupergraphConfig(SUPERGRAPH_YAML)).subgraphs;
  });
  afterAll(async () => {
    await rm(cacheDir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  it('is what composing with the routing URLs gives, byte for byte, from the composition and from the cache', async () => {
    const composedDirectly = await composeSupergraph(subgraphs, routing);
    expect(await composedSupergraph(subgraphs, routing, cacheDir)).toBe(composedDirectly);
    expect(await readdir(cacheDir)).toHaveLength(1);
    expect(await composedSupergraph(subgraphs, routing, cacheDir)).toBe(composedDirectly);
    // Routed where asked; an entry without a URL keeps supergraph.yaml's.
    expect(composedDirectly).toContain('url: "http://127.0.0.1:41001/graphql"');
    expect(composedDirectly).toContain(`url: "${subgraphs.find((subgraph) => subgraph.name === 'trading')!.routingUrl}"`);
    const otherPorts = { plattform: 'http://127.0.0.1:42001/graphql' };
    expect(await composedSupergraph(subgraphs, otherPorts, cacheDir)).toBe(await composeSupergraph(subgraphs, otherPorts));
    expect(await readdir(cacheDir)).toHaveLength(1);
  });

  it('reads the cached composition on the next start', async () => {
    const [file] = await readdir(cacheDir);
    const cached = await readFile(join(cacheDir, file!), 'utf8');
    await writeFile(join(cacheDir, file!), `# read from the cache\n${cached}`);
    expect(await composedSupergraph(subgraphs, routing, cacheDir)).toMatch(/^# read from the cache\n/);
    await writeFile(join(cacheDir, file!), cached);
  });

  it('composes anew when a schema changes, and caches no failed composition', async () => {
    const trading = subgraphs.find((subgraph) => subgraph.name === 'trading')!;
    const changedFile = join(scratch, 'trading.graphql');
    const sdl = await readFile(trading.schemaFile, 'utf8');
    await writeFile(changedFile, sdl.replace('type Query {', 'type Query {\n  cacheProbe: Int'));
    const changed = subgraphs.map((subgraph) => (subgraph === trading ? { ...subgraph, schemaFile: changedFile } : subgraph));
    expect(await composedSupergraph(changed, routing, cacheDir)).toContain('cacheProbe: Int');
    expect(await readdir(cacheDir)).toHaveLength(2);

    await writeFile(changedFile, sdl.replace('type Query {', 'type Query {\n  cacheProbe: NoSuchType'));
    await expect(composedSupergraph(changed, routing, cacheDir)).rejects.toBeInstanceOf(CompositionError);
    expect(await readdir(cacheDir)).toHaveLength(2);
  });
});
