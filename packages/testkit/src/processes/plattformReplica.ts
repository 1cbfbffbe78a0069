import { migratePlattform, plattformConfigFromEnv, startPlattform } from '@hub/plattform';

/**
 * A second plattform process for tests of cross-process delivery: same database, same Redis
 * (REDIS_URL), its own port. Prints `listening <url>` once ready and stops on SIGTERM.
 */
async function main(): Promise<void> {
  const config = plattformConfigFromEnv();
  await migratePlattform(config);
  const plattform = await startPlattform(config);
  const server = await plattform.listen(0);
  process.stdout.write(`listening ${server.url}\n`);
  process.once('SIGTERM', () => {
    void plattform.stop().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
