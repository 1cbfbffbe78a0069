import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Gateway processes to run on the one port: `--workers N`, else GATEWAY_WORKERS, else one per core
 * in production and 1 in development (where a single process is easier to debug and restart).
 */
export function workerCountFrom(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const flagAt = argv.indexOf('--workers');
  const raw = flagAt >= 0 ? (argv[flagAt + 1] ?? '') : env.GATEWAY_WORKERS;
  if (raw === undefined || (raw === '' && flagAt < 0)) return env.NODE_ENV === 'production' ? usableCores() : 1;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--workers / GATEWAY_WORKERS must be a whole number ≥ 1, got "${raw}"`);
  return count;
}

/**
 * Cores this process may use: the machine's, capped by a cgroup v2 CPU quota (a container's CPU
 * limit), which Node 20's availableParallelism does not read; a pod limited to 2 CPUs on a 32-core
 * node gets 2 workers, not 32.
 */
export function usableCores(cpuMaxPath = '/sys/fs/cgroup/cpu.max'): number {
  const cores = availableParallelism();
  let cpuMax: string;
  try {
    cpuMax = readFileSync(cpuMaxPath, 'utf8');
  } catch {
    return cores;
  }
  const [quota, period] = cpuMax.trim().split(/\s+/);
  if (quota === 'max' || !quota || !period) return cores;
  return Math.max(1, Math.min(cores, Math.ceil(Number(quota) / Number(period))));
}
