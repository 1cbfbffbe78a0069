import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayConfigFrom } from '@hub/gateway';
import { plattformConfigFromEnv } from '@hub/plattform';
import { startGateway, startSubgraphs, type RunningGateway, type RunningSubgraphs } from '@hub/stack';
import { postGraphQL } from '@hub/testkit/graphqlClient';
import { signUpAccount } from '@hub/testkit/testStack';

const ME = '{ me { user { id } } }';

/** Our gateway alone (as the benches start it) in front of a plattform started separately. */
describe('startGateway', () => {
  let subgraphs: RunningSubgraphs;
  const gateways: RunningGateway[] = [];
  let directory: string | undefined;

  beforeAll(async () => {
    subgraphs = await startSubgraphs({ plattform: plattformConfigFromEnv() });
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await subgraphs.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  const start = async (options: Parameters<typeof startGateway>[0]) => {
    const gateway = await startGateway(options);
    gateways.push(gateway);
    return gateway;
  };
  const clientOf = (url: string) => ({
    query: <TData>(query: string, variables?: Record<string, unknown>, token?: string) => postGraphQL<TData>(url, query, variables, token),
  });

  it('serves the supergraph of the subgraphs it is routed to, then the same from config.supergraphPath', async () => {
    const routed = await start({ config: { ...gatewayConfigFrom([]), jwksUrl: subgraphs.jwksUrl }, routing: subgraphs.routing });
    // Composed from supergraph.yaml for plattform alone, at the URL where it listens, not its routing_url.
    expect(routed.supergraphSdl).toContain(subgraphs.routing.plattform);
    expect(routed.supergraphSdl).not.toContain('127.0.0.1:4002');
    const account = await signUpAccount(clientOf(routed.url), 'Gateway Alone');
    const viaRouted = await postGraphQL<{ me: { user: { id: string } } }>(routed.url, ME, {}, account.token);
    expect(viaRouted.data?.me.user.id).toBe(account.userId);

    directory = await mkdtemp(join(tmpdir(), 'hub-stack-gateway-'));
    const supergraphPath = join(directory, 'supergraph.graphql');
    await writeFile(supergraphPath, routed.supergraphSdl!);
    const fromFile = await start({ config: { ...gatewayConfigFrom([]), jwksUrl: subgraphs.jwksUrl, supergraphPath } });
    expect(fromFile.supergraphSdl).toBeNull();
    expect(fromFile.url).not.toBe(routed.url);
    const viaFile = await postGraphQL<{ me: { user: { id: string } } }>(fromFile.url, ME, {}, account.token);
    expect(viaFile.data?.me.user.id).toBe(account.userId);
  });
});
