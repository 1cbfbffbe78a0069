import { resolve } from 'node:path';
import type { HubSubgraphDependencies, HubSubgraphModule, HubSubgraphSettings, RunningHubSubgraph, RunningServer } from '@hub/core';
import { composeSupergraph, createGateway, readSupergraphConfig, type Gateway, type GatewayOptions } from '@hub/gateway';
import { JWKS_PATH, migratePlattform, startPlattform, type PlattformConfig, type RunningPlattform } from '@hub/plattform';

const SUPERGRAPH_YAML = resolve(__dirname, '../../../supergraph.yaml');

type GatewayOptionsOfStack = Omit<GatewayOptions, 'supergraphSdl'>;

const listenAsIs = (_service: string, _port: number, listen: () => Promise<RunningServer>) => listen();

/** Ports: `free` lets the system pick (tests, benches), `configured` takes each service's own setting (npm start). */
type Ports = 'free' | 'configured';

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
  started?: (name: string, stop: () => Promise<void>) => void;
  /** Wraps each listen (npm start turns "address in use" into the variable that chooses the port). */
  listening?: (service: string, port: number, listen: () => Promise<RunningServer>) => Promise<RunningServer>;
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

/**
 * Which supergraph.yaml entries a gateway serves: `running` (default) only those it is given URLs
 * for (an entry left out would leave the gateway pointing at nothing); `all` every entry, those it
 * has URLs for routed there (npm start: an entry elsewhere keeps its routing_url).
 */
type SupergraphEntries = 'running' | 'all';

export interface GatewayStartOptions extends GatewayOptionsOfStack {
  /**
   * Where our subgraphs answer (`…/graphql`), by supergraph.yaml name: the gateway serves their
   * supergraph, composed here. Without it the gateway reads `config.supergraphPath`, as
   * `gateway/src/main.ts` does (benches whose subgraphs are not ours compose their own).
   */
  routing?: Record<string, string>;
  supergraph?: SupergraphEntries;
  /** `free` (default) lets the system pick the port; `configured` takes `config.port`. */
  ports?: Ports;
  /** Called once the gateway exists, before it listens, with how to stop it (as in SubgraphsOptions). */
  started?: SubgraphsOptions['started'];
  /** Wraps the listen, as in SubgraphsOptions. */
  listening?: SubgraphsOptions['listening'];
}

export interface RunningGateway {
  gateway: Gateway;
  gatewayServer: RunningServer;
  /** Where it answers GraphQL (`…/graphql`). */
  url: string;
  /** The supergraph it was given (composed from `routing`); null when it reads `config.supergraphPath`. */
  supergraphSdl: string | null;
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

/**
 * Our gateway alone, in this process, listening: against subgraphs started elsewhere (`routing`:
 * another process, another stack) or, without `routing`, the supergraph at `config.supergraphPath`.
 */
export async function startGateway(options: GatewayStartOptions): Promise<RunningGateway> {
  const { routing, supergraph, ports, started, listening, ...gatewayOptions } = options;
  const supergraphSdl = routing ? await composeStackSupergraph(routing, supergraph ?? 'running') : null;
  const gateway = await createGateway(supergraphSdl === null ? gatewayOptions : { ...gatewayOptions, supergraphSdl });
  started?.('gateway', () => gateway.stop());
  try {
    const port = (ports ?? 'free') === 'free' ? 0 : gatewayOptions.config.port;
    const gatewayServer = await (listening ?? listenAsIs)('gateway', port, () => gateway.listen(port));
    return { gateway, gatewayServer, url: `${gatewayServer.url}/graphql`, supergraphSdl, stop: () => gateway.stop() };
  } catch (error) {
    // As startGraphStack: a caller that tracks what started stops it itself.
    if (!started) await gateway.stop();
    throw error;
  }
}

/** The supergraph.yaml entries chosen by `entries`, those in `routing` routed to where they listen. */
async function composeStackSupergraph(routing: Record<string, string>, entries: SupergraphEntries): Promise<string> {
  const supergraph = await readSupergraphConfig(SUPERGRAPH_YAML);
  const served = entries === 'all' ? supergraph.subgraphs : supergraph.subgraphs.filter((subgraph) => subgraph.name in routing);
  return composeSupergraph(served, routing);
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
