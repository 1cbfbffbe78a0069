/** Stops the workers' redis-servers that globalSetup started. */
export default async function globalTeardown(): Promise<void> {
  for (const server of globalThis.hubTestRedisServers ?? []) await server.kill('SIGTERM');
  globalThis.hubTestRedisServers = undefined;
}
