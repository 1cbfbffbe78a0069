import type { HubSubgraphDependencies, HubSubgraphModule, HubSubgraphSettings, RunningHubSubgraph, RunningServer } from '@hub/core';
import { JWKS_PATH, migratePlattform, startPlattform, type PlattformConfig, type RunningPlattform } from '@hub/plattform';
import type { Gateway } from '@hub/gateway';
import { listenAsIs, startGateway, type GatewayOptionsOfStack, type Listening, type Ports, type Started, type SupergraphEntries } from './gateway';

export interface SubgraphsOptions {
  plattform: PlattformConfig;
  /** Hub subgraphs to run next to plattform, in this order (each migrated, then started). */
  hubs?: readonly HubSubgraphModule[];
  ports?: Ports;
  /** Settings of a hub on top of its environment's (the stack adds plattform's JWKS URL). */
  hubSettings?: (module: HubSubgraphModule) => Partial<HubSubgraphSettings>;
  /** What the services share (one bus and denylist in one process); the logger per service. */
  dependencies?: (service: string) => HubSubgraphDependencies;
  /** Called for each thing that has started, with how to stop it (npm start stops them on Ctrl-C). */
  started?: Started;
  /** Wraps each listen (npm start turns "address in use" into the variable that chooses the port). */
  listening?: Listening;
  /** After plattform listens, before the hubs start (npm start seeds the demo tenant here). */
  afterPlattform?: (plattform: RunningPlattform, server: RunningServer) => Promise<void>;
  /** After a hub listens (npm start seeds its demo data). */
  afterHub?: (module: HubSubgraphModule, running: RunningHubSubgraph<unknown>) => Promise<void>;
}

export interface RunningSubgraphs {
  plattform: RunningPlattform;
  plattformServer: RunningServer;
  /** Where hubs and the gateway fetch plattform's signing keys. */
  jwksUrl: string;
  /** The hubs by name. */
  hubs: Record<string, RunningHubSubgraph<unknown>>;
  /** The settings each hub was started with (to start it again, or a replica). */
  hubSettings: (module: HubSubgraphModule) => HubSubgraphSettings;
  /** Where each subgraph answers (`…/graphql`), by name. */
  routing: Record<string, string>;
  /** Stops the hubs (last first), then plattform. */
  stop(): Promise<void>;
}

export interface GraphStackOptions extends SubgraphsOptions {
  /** The gateway's options; the stack supplies the supergraph of the subgraphs it runs. */
  gateway: (subgraphs: RunningSubgraphs) => GatewayOptionsOfStack | Promise<GatewayOptionsOfStack>;
  /** Which supergraph.yaml entries the gateway serves (default `running`: those this stack runs). */
  supergraph?: SupergraphEntries;
}

export interface GraphStack extends RunningSubgraphs {
  gateway: Gateway;
  gatewayServer: RunningServer;
  /** The supergraph of the running subgraphs, routed to where they listen. */
  supergraphSdl: string;
  /** Stops the gateway, then the subgraphs. */
  stop(): Promise<void>;
}

/** plattform (migrated, started, listening), then each hub the same way, pointed at plattform's keys. */
export async function startSubgraphs(options: SubgraphsOptions): Promise<RunningSubgraphs> {
  const free = (options.ports ?? 'free') === 'free';
  const listening = options.listening ?? listenAsIs;
  const stops: Array<() => Promise<void>> = [];
  const started = (name: string, stop: () => Promise<void>) => {
    stops.push(stop);
    options.started?.(name, stop);
  };
  await migratePlattform(options.plattform);
  const plattform = await startPlattform(options.plattform, options.dependencies?.('plattform'));
  started('plattform', () => plattform.stop());
  const plattformPort = free ? 0 : options.plattform.port;
  const plattformServer = await listening('plattform', plattformPort, () => plattform.listen(plattformPort));
  await options.afterPlattform?.(plattform, plattformServer);
  const jwksUrl = `${plattformServer.url}${JWKS_PATH}`;
  const hubSettings = (module: HubSubgraphModule): HubSubgraphSettings => ({ ...module.settingsFromEnv(), jwksUrl, ...options.hubSettings?.(module) });
  const routing: Record<string, string> = { plattform: `${plattformServer.url}/graphql` };
  const hubs: Record<string, RunningHubSubgraph<unknown>> = {};
  for (const module of options.hubs ?? []) {
    const settings = hubSettings(module);
    await module.migrate(settings);
    const running = await module.start(settings, options.dependencies?.(module.name));
    started(module.name, () => running.stop());
    hubs[module.name] = running;
    const port = free ? 0 : settings.port;
    const server = await listening(module.name, port, () => running.listen(port));
    routing[module.name] = `${server.url}/graphql`;
    await options.afterHub?.(module, running);
  }
  return {
    plattform,
    plattformServer,
    jwksUrl,
    hubs,
    hubSettings,
    routing,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** The subgraphs, then a gateway over the supergraph of exactly those (routed to where they listen). */
export async function startGraphStack(options: GraphStackOptions): Promise<GraphStack> {
  const subgraphs = await startSubgraphs(options);
  try {
    const running = await startGateway({
      ...(await options.gateway(subgraphs)),
      routing: subgraphs.routing,
      supergraph: options.supergraph,
      ports: options.ports,
      started: options.started,
      listening: options.listening,
    });
    return {
      ...subgraphs,
      gateway: running.gateway,
      gatewayServer: running.gatewayServer,
      supergraphSdl: running.supergraphSdl!,
      stop: async () => {
        await running.stop();
        await subgraphs.stop();
      },
    };
  } catch (error) {
    // Nothing half-started is left behind unless the caller tracks it itself.
    if (!options.started) await subgraphs.stop();
    throw error;
  }
}
