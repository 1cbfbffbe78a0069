import { readFileSync } from 'node:fs';

/** Descriptors a process needs besides its subscriber sockets (Redis, JWKS, upstream, files). */
const SPARE_DESCRIPTORS = 512;

export interface OpenFileLimits {
  soft: number;
  hard: number;
}

/** The open-file limits (`ulimit -n` / `ulimit -Hn`) this process and its children start with. */
export function openFileLimits(): OpenFileLimits {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith('Max open files'));
    const [soft, hard] = (line ?? '').trim().split(/\s+/).slice(3, 5);
    const parse = (value: string | undefined) => (value === 'unlimited' ? Number.POSITIVE_INFINITY : Number(value));
    return { soft: parse(soft), hard: parse(hard) };
  } catch {
    return { soft: Number.NaN, hard: Number.NaN };
  }
}

/**
 * The soft limit to start a child holding `sockets` with (undefined: the inherited one suffices).
 * Fails when even the hard limit is too low: the bench never quietly runs fewer subscribers.
 */
export function descriptorsFor(sockets: number, limits: OpenFileLimits, who: string): number | undefined {
  const needed = sockets + SPARE_DESCRIPTORS;
  if (!Number.isFinite(limits.soft) || needed <= limits.soft) return undefined;
  if (needed > limits.hard) {
    throw new Error(`${who} must hold ${sockets} sockets: that needs ${needed} open files, but the hard limit (ulimit -Hn) is ${limits.hard}. Raise it.`);
  }
  return needed;
}

/** Subscriber processes: at least `requested`, more if one process could not hold its share. */
export function subscriberProcessCount(subscribers: number, requested: number, limits: OpenFileLimits): number {
  const perProcess = Number.isFinite(limits.hard) ? Math.max(1, limits.hard - SPARE_DESCRIPTORS) : subscribers;
  return Math.max(1, requested, Math.ceil(subscribers / perProcess));
}
