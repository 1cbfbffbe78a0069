import { BenchChild } from './benchChild';
import { descriptorsFor, type OpenFileLimits } from './fileDescriptors';
import type { GatewayInfo } from './gatewayProcess';

export interface BenchGatewayOptions {
  /** LOG_LEVEL, REDIS_URL, JWKS_URL and whatever else every child of the phase gets. */
  env: Record<string, string>;
  supergraphPath: string;
  subscribers: number;
  tenants: number;
  limits: OpenFileLimits;
  nodeArgs: readonly string[];
}

/** Starts the gateway process on a free loopback port, sized for the phase's subscribers. */
export function startBenchGateway(options: BenchGatewayOptions): Promise<{ child: BenchChild; info: GatewayInfo }> {
  return BenchChild.start<GatewayInfo>(
    'gateway',
    'gatewayProcess.ts',
    {
      ...options.env,
      SUPERGRAPH_PATH: options.supergraphPath,
      PORT: '0',
      // Every tenant's subscribers are on this one replica.
      GATEWAY_SUBSCRIPTIONS_PER_TENANT: process.env.GATEWAY_SUBSCRIPTIONS_PER_TENANT ?? String(Math.max(2_000, Math.ceil(options.subscribers / options.tenants))),
      // Each subscribe counts as a request; 10,000 of them within seconds would trip the limit.
      GATEWAY_RATE_LIMIT: process.env.GATEWAY_RATE_LIMIT ?? '0',
    },
    { fileDescriptors: descriptorsFor(options.subscribers, options.limits, 'the gateway'), nodeArgs: options.nodeArgs },
  );
}
