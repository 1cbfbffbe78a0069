import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** CPU seconds (user + system) a process has used so far; NaN where /proc is not available. */
export function cpuSeconds(pid: number): number {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/**
 * Seconds the process's main thread was runnable but waiting for a core (/proc/<pid>/schedstat):
 * on a shared 2-core machine this, not the code, is often where latency comes from.
 */
export function runQueueSeconds(pid: number): number {
  try {
    const [, waitingNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return Number(waitingNs) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** CPU used and time waiting for a core, per process, over a window; in % of one core. */
export class ProcessSampler {
  private readonly start: Array<{ cpu: number; waiting: number }>;
  private readonly started = performance.now();

  constructor(private readonly processes: ReadonlyArray<readonly [name: string, pid: number]>) {
    this.start = processes.map(([, pid]) => ({ cpu: cpuSeconds(pid), waiting: runQueueSeconds(pid) }));
  }

  /** Seconds since the sampler started. */
  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  finish(): Record<string, { busy: number; waiting: number }> {
    const seconds = this.elapsedSeconds();
    return Object.fromEntries(
      this.processes.map(([name, pid], index) => [
        name,
        {
          busy: ((cpuSeconds(pid) - this.start[index]!.cpu) / seconds) * 100,
          waiting: ((runQueueSeconds(pid) - this.start[index]!.waiting) / seconds) * 100,
        },
      ]),
    );
  }
}
