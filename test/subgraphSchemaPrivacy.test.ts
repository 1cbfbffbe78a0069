import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import type { HubSubgraphModule } from '@hub/core';
import { migratePlattform, plattformConfigFromEnv, startPlattform } from '@hub/plattform';
import { HUB_SUBGRAPHS } from '../dev/hubSubgraphs';
import { errorCodes, postGraphQL } from '@hub/testkit/graphqlClient';
import { postSignedGraphQL } from '@hub/testkit/gatewaySignature';
import { machineTime } from '@hub/testkit/machineTime';

interface RunningSubgraph {
  name: string;
  url: string;
  stop(): Promise<void>;
}

/** plattform and every hub subgraph, each straight on its own port, in one mode. */
async function startSubgraphs(production: boolean): Promise<RunningSubgraph[]> {
  const running: RunningSubgraph[] = [];
  const plattformConfig = { ...plattformConfigFromEnv(), production };
  await migratePlattform(plattformConfig);
  const plattform = await startPlattform(plattformConfig);
  const plattformServer = await plattform.listen(0);
  running.push({ name: 'plattform', url: `${plattformServer.url}/graphql`, stop: () => plattform.stop() });
  for (const module of HUB_SUBGRAPHS as HubSubgraphModule[]) {
    const settings = { ...module.settingsFromEnv(), production };
    await module.migrate(settings);
    const hub = await module.start(settings);
    running.push({ name: module.name, url: `${(await hub.listen(0)).url}/graphql`, stop: () => hub.stop() });
  }
  return running;
}

/** A query field of the subgraph's contract with a letter added (graphql-js would suggest the real one). */
function misspeltQueryField(name: string): { misspelt: string; real: string } {
  const document = parse(readFileSync(resolve(__dirname, `../subgraphs/${name}/schema.graphql`), 'utf8'));
  const query = document.definitions.find(
    (definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Query',
  );
  const real = query!.fields![0]!.name.value;
  return { misspelt: `${real}x`, real };
}

const SCHEMA = '{ __schema { types { name } } }';
const SERVICE_SDL = '{ _service { sdl } }';

describe.each([
  ['production', true],
  ['development', false],
])('subgraphs straight, %s mode', (_mode, production) => {
  let subgraphs: RunningSubgraph[];

  beforeAll(async () => {
    subgraphs = await startSubgraphs(production);
  }, machineTime(60_000));
  afterAll(async () => {
    for (const subgraph of subgraphs.reverse()) await subgraph.stop();
  });

  it('every subgraph is covered', () => {
    expect(subgraphs.map((subgraph) => subgraph.name)).toEqual(['plattform', 'risk-hub', 'trading', 'agent']);
  });

  it(production ? 'a misspelt field gets no "Did you mean" suggestion' : 'a misspelt field gets a suggestion', async () => {
    for (const subgraph of subgraphs) {
      const { misspelt, real } = misspeltQueryField(subgraph.name);
      const response = await postSignedGraphQL(subgraph.name, subgraph.url, `{ ${misspelt} }`);
      const message = response.errors?.[0]?.message ?? '';
      expect([subgraph.name, message]).toEqual([subgraph.name, expect.stringContaining(`Cannot query field "${misspelt}"`)]);
      if (production) expect([subgraph.name, message]).toEqual([subgraph.name, expect.not.stringMatching(/did you mean/i)]);
      else expect(message).toContain(`Did you mean "${real}"`);
    }
  });

  it('__schema and _service answer only requests the gateway signed (the gateway, the schema tooling)', async () => {
    for (const subgraph of subgraphs) {
      for (const query of [SCHEMA, SERVICE_SDL]) {
        const stranger = await postGraphQL(subgraph.url, query);
        expect([subgraph.name, stranger.status, errorCodes(stranger), stranger.data ?? null]).toEqual([subgraph.name, 403, ['FORBIDDEN'], null]);
      }
      const schema = await postSignedGraphQL<{ __schema: { types: Array<{ name: string }> } }>(subgraph.name, subgraph.url, SCHEMA);
      const sdl = await postSignedGraphQL<{ _service: { sdl: string } }>(subgraph.name, subgraph.url, SERVICE_SDL);
      expect([subgraph.name, schema.data?.__schema.types.map((type) => type.name)]).toEqual([subgraph.name, expect.arrayContaining(['Query'])]);
      expect([subgraph.name, sdl.data?._service.sdl]).toEqual([subgraph.name, expect.stringContaining('type Query')]);
    }
  });

  it(production ? 'a misspelt input field in variables gets no suggestion either' : 'a misspelt input field in variables gets a suggestion', async () => {
    const riskHub = subgraphs.find((subgraph) => subgraph.name === 'risk-hub')!;
    const response = await postSignedGraphQL('risk-hub', riskHub.url, 'mutation($input: CreateRiskAssessmentInput!) { createRiskAssessment(input: $input) { id } }', {
      input: { titel: 'misspelt' },
    });
    const messages = (response.errors ?? []).map((error) => error.message).join(' | ');
    expect(messages).toContain('"titel"');
    if (production) expect(messages).not.toMatch(/did you mean/i);
    else expect(messages).toContain('Did you mean "title"');
  });
});
