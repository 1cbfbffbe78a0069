import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { composeSupergraph, readSupergraphConfig } from '@hub/gateway';
import { buildSchema, isObjectType } from 'graphql';

// trading only references RiskAssessment (resolvable: false); risk-hub owns it. The supergraph must
// compose with risk-hub absent and present (the real one, and a minimal stand-in of its contract).
describe('trading in the supergraph', () => {
  const root = resolve(__dirname, '../../..');

  it('composes without risk-hub', async () => {
    const config = await readSupergraphConfig(join(root, 'supergraph.yaml'));
    const sdl = await composeSupergraph(config.subgraphs.filter((subgraph) => subgraph.name !== 'risk-hub'));
    expect(sdl).toContain('type Portfolio');
  });

  it('composes with the registered subgraphs, risk-hub included', async () => {
    const config = await readSupergraphConfig(join(root, 'supergraph.yaml'));
    expect(config.subgraphs.map((subgraph) => subgraph.name)).toEqual(expect.arrayContaining(['risk-hub', 'trading']));
    const sdl = await composeSupergraph(config.subgraphs);
    expect(sdl).toMatch(/type RiskAssessment[^{]*@join__type\(graph: RISK_HUB, key: "id"\)/);
  });

  it('composes with a risk-hub that owns RiskAssessment, whose fields become reachable from Portfolio', async () => {
    const config = await readSupergraphConfig(join(root, 'supergraph.yaml'));
    const dir = mkdtempSync(join(tmpdir(), 'trading-composition-'));
    const riskHubSchema = join(dir, 'risk-hub.graphql');
    writeFileSync(
      riskHubSchema,
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
       type Query { riskAssessment(id: ID!): RiskAssessment }
       type RiskAssessment @key(fields: "id") { id: ID! title: String! }`,
    );
    // Only trading next to the stand-in risk-hub: other hubs may extend RiskAssessment with fields of their own.
    const subgraphs = [...config.subgraphs.filter((subgraph) => subgraph.name === 'trading'), { name: 'risk-hub', routingUrl: 'http://127.0.0.1:4002/graphql', schemaFile: riskHubSchema }];
    const sdl = await composeSupergraph(subgraphs);
    const riskAssessment = buildSchema(sdl, { assumeValidSDL: true }).getType('RiskAssessment');
    expect(isObjectType(riskAssessment) && Object.keys(riskAssessment.getFields()).sort()).toEqual(['id', 'title']);
  });
});
