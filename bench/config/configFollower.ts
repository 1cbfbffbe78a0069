import { ConfigClient, configReaderUrlFromEnv, createEventBus, createLogger } from '@hub/core';

/**
 * The "other process" of the config benchmark: a ConfigClient that prints the high-resolution
 * wall-clock time at which each version was applied.
 */
async function main(): Promise<void> {
  const logger = createLogger('bench-config-follower');
  const eventBus = createEventBus({ redisUrl: process.env.REDIS_URL, logger });
  const client = new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus, logger, services: [process.env.BENCH_SERVICE!] });
  client.onChange((config) => {
    process.stdout.write(`applied ${config.version} ${(performance.timeOrigin + performance.now()).toFixed(3)}\n`);
  });
  await client.start();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void client.stop().then(() => eventBus.close()).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
