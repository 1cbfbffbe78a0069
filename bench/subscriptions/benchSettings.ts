import { tmpdir } from 'node:os';
import { envInt, envString } from '@hub/core';
import type { ProfileKind } from './childDiagnostics';
import { serverNodeArgs } from '../support/serverNodeArgs';

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
  /** The recovery phase (a resumable hub subgraph killed and restarted behind the gateway). */
  recovery: RecoverySettings;
}

/**
 * Sizes of the recovery phase. Its own, smaller defaults: it measures whether nothing is lost or
 * repeated across a subgraph crash, not how many subscribers one process holds.
 */
export interface RecoverySettings {
  /** BENCH_RECOVERY: `false` skips the phase. */
  enabled: boolean;
  /** BENCH_RECOVERY_SUBSCRIBERS / BENCH_RECOVERY_TENANTS. */
  subscribers: number;
  tenants: number;
  /** BENCH_RECOVERY_EVENTS_PER_SECOND: outbox writes per second, round-robin over the tenants. */
  eventsPerSecond: number;
  /** BENCH_RECOVERY_BEFORE_S: publishing before the kill. */
  beforeSeconds: number;
  /** BENCH_RECOVERY_DOWN_S: publishing while the subgraph is dead, before it is started again. */
  downSeconds: number;
  /** BENCH_RECOVERY_AFTER_S: publishing after the restarted subgraph reported ready. */
  afterSeconds: number;
  /** BENCH_PG_SERVER_URL: the PostgreSQL server (admin role) the bench database is created on. */
  postgresServerUrl: string;
  /** BENCH_RECOVERY_DATABASE: created at the start and dropped at the end (override for concurrent runs). */
  database: string;
  /**
   * BENCH_RECOVERY_LOG_LEVEL: of the gateway and subgraphs in this phase. `error` by default: the
   * kill makes them log the (expected) dropped connections as warnings.
   */
  logLevel: string;
}

/** Worst case of the recovery phase: setup, connecting, publishing, restart and drain (s). */
export function recoveryBudgetSeconds(recovery: RecoverySettings): number {
  return recovery.enabled ? recovery.beforeSeconds + recovery.downSeconds + recovery.afterSeconds + 240 : 0;
}

export const SUBSCRIBERS_PER_CLIENT_PROCESS = 5_000;

function recoverySettingsFromEnv(): RecoverySettings {
  const subscribers = envInt('BENCH_RECOVERY_SUBSCRIBERS', 1_000);
  return {
    enabled: envString('BENCH_RECOVERY', 'true') !== 'false',
    subscribers,
    tenants: Math.max(1, Math.min(envInt('BENCH_RECOVERY_TENANTS', 10), subscribers)),
    eventsPerSecond: envInt('BENCH_RECOVERY_EVENTS_PER_SECOND', 100),
    beforeSeconds: envInt('BENCH_RECOVERY_BEFORE_S', 3),
    downSeconds: envInt('BENCH_RECOVERY_DOWN_S', 2),
    afterSeconds: envInt('BENCH_RECOVERY_AFTER_S', 5),
    postgresServerUrl: envString('BENCH_PG_SERVER_URL', 'postgres://postgres@127.0.0.1:5432'),
    database: envString('BENCH_RECOVERY_DATABASE', 'hub_bench_recovery'),
    logLevel: envString('BENCH_RECOVERY_LOG_LEVEL', 'error'),
  };
}

export function benchSettingsFromEnv(): BenchSettings {
  const subscribers = envInt('BENCH_SUBSCRIBERS', 10_000);
  const seconds = envInt('BENCH_SECONDS', 60);
  const recovery = recoverySettingsFromEnv();
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
    timeLimitSeconds: envInt('BENCH_TIME_LIMIT_S', 2 * (seconds + 240) + recoveryBudgetSeconds(recovery)),
    profile: new Set(envString('BENCH_PROFILE', '').split(',').filter(Boolean)),
    profileDir: envString('BENCH_PROFILE_DIR', tmpdir()),
    profileKind: envString('BENCH_PROFILE_KIND', 'cpu') === 'allocations' ? 'allocations' : 'cpu',
    serverNodeArgs: serverNodeArgs(),
    heapSnapshot: envString('BENCH_HEAP_SNAPSHOT', 'false') === 'true',
    recovery,
  };
}
