import { resolve } from 'node:path';
import type { RunningServer } from '@hub/core';
import { createGateway, readSupergraphConfig, type Gateway, type GatewayOptions } from '@hub/gateway';
import { composedSupergraph } from './composedSupergraph';

/*
 * Our gateway alone. Its own module (`@hub/stack/gateway`) so that a process running only the
 * gateway, as deployed, does not load plattform's and the hubs' code with the rest of the stack.
 */

const SUPERGRAPH_YAML = resolve(__dirname, '../../../supergraph.yaml');

export type GatewayOptionsOfStack = Omit<GatewayOptions, 'supergraphSdl'>;

/** Ports: `free` lets the system pick (tests, benches), `configured` takes each service's own setting (npm start). */
export type Ports = 'free' | 'configured';

/** Told of each thing that has started, with how to stop it (npm start stops them on Ctrl-C). */
export type Started = (name: string, stop: () => Promise<void>) => void;

/** Wraps each listen (npm start turns "address in use" into the variable that chooses the port). */
export type Listening = (service: string, port: number, listen: () => Promise<RunningServer>) => Promise<RunningServer>;

export const listenAsIs: Listening = (_service, _port, listen) => listen();

/**
 * Which supergraph.yaml entries a gateway serves: `running` (default) only those it is given URLs
 * for (an entry left out would leave the gateway pointing at nothing); `all` every entry, those it
 * has URLs for routed there (npm start: an entry elsewhere keeps its routing_url).
 */
export type SupergraphEntries = 'running' | 'all';

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
  /** Called once the gateway exists, before it listens. */
  started?: Started;
  listening?: Listening;
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
  return composedSupergraph(served, routing);
}
