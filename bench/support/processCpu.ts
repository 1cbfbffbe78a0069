import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc figures (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms; Linux /proc. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3; utime/stime are 14/15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** The machine's busy and total CPU time so far over all cores, in ms; Linux /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: ((total - idle) * 1000) / TICKS_PER_SECOND, total: (total * 1000) / TICKS_PER_SECOND };
}

/**
 * Starts watching: `read()` gives each named process's CPU (in % of one core) since the start,
 * and the machine's busy share over all cores, so what other processes took is visible.
 */
export function watchCpu(pids: Record<string, number>): { read(): string } {
  const started = performance.now();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)]));
  const machineBefore = machineCpuMs();
  return {
    read: () => {
      const wallMs = performance.now() - started;
      const parts = Object.entries(pids).map(
        ([name, pid]) => `${name} ${(((processCpuMs(pid) - before[name]!) / wallMs) * 100).toFixed(0)} %`,
      );
      const machine = machineCpuMs();
      const busy = ((machine.busy - machineBefore.busy) / (machine.total - machineBefore.total)) * 100;
      return `${parts.join(', ')} (of one core); machine ${busy.toFixed(0)} % busy over all cores`;
    },
  };
}
