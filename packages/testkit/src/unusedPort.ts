import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Linux's default ephemeral range, used where /proc cannot be read. */
const DEFAULT_EPHEMERAL: [number, number] = [32768, 60999];

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux: keep the default
  }
  return DEFAULT_EPHEMERAL;
}

/** Whether a server could listen on the loopback port right now (nothing else listens there). */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise<void>((resolve) => server.close(() => resolve()));
  return ok;
}

/**
 * A loopback port for a process that binds it later (a child's server, redis-server, embedded
 * PostgreSQL). Not from `listen(0)`: that hands out ports of the kernel's ephemeral range, which the
 * kernel keeps handing to every other `listen(0)` of the parallel test workers, so the port could be
 * taken before the child binds it. Ports below the ephemeral range are given out by nobody but
 * this function: a random one that is free now.
 */
export async function unusedPort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const high = Math.min(ephemeralLow, 65536) - 1;
  const low = Math.max(1024, high - 12_000);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free loopback port between ${low} and ${high}`);
}
