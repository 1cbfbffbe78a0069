import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hubSubgraphSettingsFromEnv, readLocalSubgraphEntries, readSupergraphEntries } from '../src';

describe('ports and folders from supergraph.yaml', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hub-supergraph-'));
    writeFileSync(
      join(dir, 'supergraph.yaml'),
      [
        'subgraphs:',
        '  here:',
        '    routing_url: http://127.0.0.1:4100/graphql',
        '    schema: { file: ./subgraphs/here/schema.graphql }',
        '  elsewhere:',
        '    routing_url: https://elsewhere.example/graphql',
        '    schema: { file: ./schemas/elsewhere.graphql }',
      ].join('\n'),
    );
    mkdirSync(join(dir, 'subgraphs/here'), { recursive: true });
    writeFileSync(join(dir, 'subgraphs/here/package.json'), '{}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => delete process.env.TRADING_PORT);

  it('reads each entry with its port, schema file and folder; only folders with a package are local', () => {
    expect(() => readSupergraphEntries(join(dir, 'supergraph.yaml'))).toThrow('routing_url of "elsewhere" has no port');
    writeFileSync(join(dir, 'supergraph.yaml'), 'subgraphs:\n  here:\n    routing_url: http://127.0.0.1:4100/graphql\n    schema: { file: ./subgraphs/here/schema.graphql }\n  remote:\n    routing_url: http://10.0.0.9:4200/graphql\n    schema: { file: ./schemas/remote.graphql }\n');
    expect(readSupergraphEntries(join(dir, 'supergraph.yaml'))).toEqual([
      { name: 'here', routingUrl: 'http://127.0.0.1:4100/graphql', port: 4100, schemaFile: join(dir, 'subgraphs/here/schema.graphql'), folder: join(dir, 'subgraphs/here') },
      { name: 'remote', routingUrl: 'http://10.0.0.9:4200/graphql', port: 4200, schemaFile: join(dir, 'schemas/remote.graphql'), folder: join(dir, 'subgraphs/remote') },
    ]);
    expect(readLocalSubgraphEntries(join(dir, 'supergraph.yaml')).map((entry) => entry.name)).toEqual(['here']);
  });

  it("a hub subgraph listens on its supergraph.yaml port unless <NAME>_PORT is set; without either it refuses to guess", () => {
    expect(hubSubgraphSettingsFromEnv('trading').port).toBe(4003);
    process.env.TRADING_PORT = '5123';
    expect(hubSubgraphSettingsFromEnv('trading').port).toBe(5123);
    expect(() => hubSubgraphSettingsFromEnv('not-registered')).toThrow('No port for subgraph "not-registered"');
    expect(hubSubgraphSettingsFromEnv('not-registered', 4999).port).toBe(4999);
  });
});
