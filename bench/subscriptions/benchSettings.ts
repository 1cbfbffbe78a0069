import { tmpdir } from 'node:os';
import { envInt, envString } from '@hub/core';
import type { ProfileKind } from './childDiagnostics';

/** Size, duration and switches of `bench:subscriptions`, from the environment (README.md lists them). */
export interface BenchSettings {
  subscribers: number;
  tenants: number;
  eventsPerSecond: number;
  seconds: number;
  /** Also run the peer: the same subscribers directly on the events subgraph. */
  direct: boolean;
  /** Subscriber processes (default: one per 5,000 subscribers). */
  clientProcesses: number;
  /** Handshakes in flight per subscriber process while connecting. */
  connectConcurrency: number;
  redisUrl: string;
  logLevel: string;
  /** Hard stop for the whole bench. */
  timeLimitSeconds: number;
  /** Roles (`gateway`, `subgraphs`, `events subgraph`, `subscribers-1`, ...) whose measurement window is CPU-profiled. */
  profile: ReadonlySet<string>;
  profileDir: string;
  profileKind: ProfileKind;
  /** Node flags of the serving process in both phases (gateway, direct events subgraph). */
  serverNodeArgs: string[];
  /** Write a heap snapshot of the serving process once every subscriber is connected. */
  heapSnapshot: boolean;
}

export const SUBSCRIBERS_PER_CLIENT_PROCESS = 5_000;

/**
 * The gateway runs as its image runs it (gateway/Dockerfile sets NODE_OPTIONS to this); the direct
 * peer's server gets the same, so the comparison is between the servers, not their flags.
 */
const GATEWAY_IMAGE_NODE_OPTIONS = '--max-semi-space-size=64';

export function benchSettingsFromEnv(): BenchSettings {
  const subscribers = envInt('BENCH_SUBSCRIBERS', 10_000);
  const seconds = envInt('BENCH_SECONDS', 60);
  return {
    subscribers,
    tenants: Math.max(1, Math.min(envInt('BENCH_TENANTS', 100), subscribers)),
    eventsPerSecond: envInt('BENCH_EVENTS_PER_SECOND', 100),
    seconds,
    direct: envString('BENCH_DIRECT', 'true') !== 'false',
    clientProcesses: envInt('BENCH_CLIENT_PROCESSES', Math.max(1, Math.ceil(subscribers / SUBSCRIBERS_PER_CLIENT_PROCESS))),
    connectConcurrency: envInt('BENCH_CONNECT_CONCURRENCY', 50),
    redisUrl: envString('REDIS_URL', 'redis://127.0.0.1:6379'),
    logLevel: envString('BENCH_LOG_LEVEL', 'warn'),
    timeLimitSeconds: envInt('BENCH_TIME_LIMIT_S', 2 * (seconds + 240)),
    profile: new Set(envString('BENCH_PROFILE', '').split(',').filter(Boolean)),
    profileDir: envString('BENCH_PROFILE_DIR', tmpdir()),
    profileKind: envString('BENCH_PROFILE_KIND', 'cpu') === 'allocations' ? 'allocations' : 'cpu',
    serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? GATEWAY_IMAGE_NODE_OPTIONS).split(' ').filter(Boolean),
    heapSnapshot: envString('BENCH_HEAP_SNAPSHOT', 'false') === 'true',
  };
}
