import { availableParallelism } from 'node:os';

/**
 * Gateway processes to run on the one port: `--workers N`, else GATEWAY_WORKERS, else one per core
 * in production and 1 in development (where a single process is easier to debug and restart).
 */
export function workerCountFrom(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const flagAt = argv.indexOf('--workers');
  const raw = flagAt >= 0 ? (argv[flagAt + 1] ?? '') : env.GATEWAY_WORKERS;
  if (raw === undefined || (raw === '' && flagAt < 0)) return env.NODE_ENV === 'production' ? availableParallelism() : 1;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--workers / GATEWAY_WORKERS must be a whole number ≥ 1, got "${raw}"`);
  return count;
}
