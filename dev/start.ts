import { resolve } from 'node:path';
import {
  ConfigClient,
  configReaderUrlFromEnv,
  createEventBus,
  createLogger,
  createTokenDenylist,
  envInt,
  envOptional,
  envString,
  portVariableFor,
  provideGatewayKeyPairForThisRun,
  startTracing,
  type Logger,
} from '@hub/core';
import { gatewayConfigFrom } from '@hub/gateway';
import { DEMO_ACCOUNT, devKeyPath, JWKS_PATH, plattformConfigFromEnv, seedDemoTenant } from '@hub/plattform';
import { startGraphStack } from '@hub/stack';
import { ensureDashboardBuilt } from './dashboard/buildDashboard';
import { serveDashboard, type RunningDashboard } from './dashboard/serveDashboard';
import { queueDemoAgentWork } from './demoAgentWork';
import { startDemoWorker } from './demoWorker';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embeddedDatabase';
import { graphiqlDemoLogin } from './graphiqlDemoLogin';
import { HUB_SUBGRAPHS } from './hubSubgraphs';
import { DevLifecycle } from './lifecycle';

const ROOT = resolve(__dirname, '..');

/**
 * `npm start`: the whole stack in one process. Without DATABASE_URL an embedded PostgreSQL runs
 * under .data/; without REDIS_URL events travel through an in-process bus. The reference worker
 * runs too (DEV_WORKER=off leaves it out), as the demo tenant's service account.
 */
async function main(lifecycle: DevLifecycle, logger: Logger): Promise<void> {
  const log = (line: string) => logger.info(line);
  // Off unless OTEL_TRACES_EXPORTER names an exporter; stopped last, so the final spans go out.
  const tracing = startTracing({ serviceName: 'hub-dev' });
  if (tracing) lifecycle.started('tracing', () => tracing.stop());
  process.env.DATA_DIR ??= resolve(ROOT, '.data');
  // The reference worker polls the gateway every second while idle: one line per poll is noise here.
  process.env.GATEWAY_REQUEST_LOG_LEVEL ??= 'debug';
  // One process runs gateway and subgraphs: a key pair for this run signs the gateway's calls.
  provideGatewayKeyPairForThisRun();

  let embedded: EmbeddedDatabase | null = null;
  if (!envOptional('DATABASE_URL')) {
    embedded = await startEmbeddedDatabase(process.env.DATA_DIR, envInt('DEV_PG_PORT', 54329), log);
    process.env.DATABASE_URL = embedded.adminUrl;
    const database = embedded;
    lifecycle.started('embedded PostgreSQL', () => database.stop());
  }

  const plattformConfig = plattformConfigFromEnv();
  const eventBus = createEventBus({ redisUrl: plattformConfig.redisUrl, logger });
  lifecycle.started('event bus', () => eventBus.close());
  // One denylist for every in-process service, so a revocation reaches them all even without Redis.
  const denylist = createTokenDenylist({ redisUrl: plattformConfig.redisUrl, logger });
  lifecycle.started('denylist', () => denylist.close());
  const dependencies = (service: string) => ({ eventBus, denylist, logger: createLogger(service) });
  let seeded: Awaited<ReturnType<typeof seedDemoTenant>> | undefined;
  const stack = await startGraphStack({
    plattform: plattformConfig,
    hubs: HUB_SUBGRAPHS,
    ports: 'configured',
    supergraph: 'all',
    dependencies,
    started: (name, stop) => lifecycle.started(name, stop),
    listening: (service, port, listen) => lifecycle.listen(service === 'gateway' ? 'PORT' : portVariableFor(service), port, listen),
    afterPlattform: async (plattform, server) => {
      seeded = await seedDemoTenant(plattform.services);
      log(`demo tenant ${DEMO_ACCOUNT.organizationName}: ${seeded.status}`);
      // Hub subgraphs verify tokens against plattform's keys wherever it actually listens.
      process.env.JWKS_URL ??= `${server.url}${JWKS_PATH}`;
    },
    hubSettings: () => ({ jwksUrl: process.env.JWKS_URL! }),
    afterHub: async (module, running) => {
      if (module.seedDemo) log(`${module.name} demo data: ${await module.seedDemo(running, seeded!.tenant)}`);
    },
    gateway: async ({ plattform }) => {
      const client = new ConfigClient({ databaseUrl: configReaderUrlFromEnv(), eventBus, logger, services: ['gateway'] });
      await client.start();
      lifecycle.started('config client', () => client.stop());
      return {
        config: gatewayConfigFrom([]),
        denylist,
        configReader: client,
        graphiqlDemo: graphiqlDemoLogin(plattform),
        logger: createLogger('gateway'),
      };
    },
  });
  const { plattform, gatewayServer } = stack;
  // The agent subgraph checks task subjects through the gateway; it reads GATEWAY_URL per lookup.
  process.env.GATEWAY_URL ??= `${gatewayServer.url}/graphql`;
  const demoTenant = seeded!;

  let dashboard: RunningDashboard | null = null;
  try {
    await ensureDashboardBuilt(log);
    dashboard = await serveDashboard({
      graphqlUrl: `${gatewayServer.url}/graphql`,
      demo: { email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password },
      // Its own origin; the gateway allows it in development without configuration.
      port: envInt('DASHBOARD_PORT', 4080),
    });
    const served = dashboard;
    lifecycle.started('dashboard', () => served.close());
  } catch (error) {
    logger.error({ err: error }, 'dashboard not served; the rest of the stack runs on');
  }

  const banner = [
    '',
    `  Hub graph is up: ${gatewayServer.url}/graphql`,
    `  Dashboard: ${dashboard ? dashboard.url : 'not running (see the log above)'}`,
    `  Demo login: ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password} (organization "${DEMO_ACCOUNT.organizationName}")`,
    `  Database: ${embedded ? `embedded PostgreSQL in ${process.env.DATA_DIR}` : 'DATABASE_URL'}; events: ${eventBus.kind}`,
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n');
  process.stdout.write(`${banner}\n`);

  if (envString('DEV_WORKER', 'on') !== 'off') {
    // The demo without a worker is still a working stack: a failure here is reported, not fatal.
    try {
      const gatewayUrl = `${gatewayServer.url}/graphql`;
      log(`agent demo work: ${await queueDemoAgentWork(gatewayUrl, demoTenant.accessToken, logger)}`);
      const started = await startDemoWorker({
        plattform,
        tenant: demoTenant.tenant,
        gatewayUrl,
        credentialFile: devKeyPath(DEMO_WORKER_CREDENTIAL_FILE),
        stepDelayMs: envInt('AGENT_WORKER_STEP_DELAY_MS', 1500),
        logger: createLogger('reference-worker'),
      });
      // A Ctrl-C during the start leaves nobody to stop the worker otherwise.
      if (lifecycle.isStopping) await started?.stop();
      // The worker is stopped first: it talks to the gateway, and finishes the task in hand while it still can.
      else if (started) lifecycle.started('reference worker', () => started.stop());
      if (started) log('reference worker started as service account demo-reference-worker');
    } catch (error) {
      logger.error({ err: error }, 'reference worker not started; the rest of the stack runs on');
    }
  }
}

/** The demo worker's client credential, next to the dev signing key (DATA_DIR/keys, mode 0600). */
const DEMO_WORKER_CREDENTIAL_FILE = 'demo-worker-credential.json';

const devLogger = createLogger('dev-stack');
const lifecycle = new DevLifecycle(devLogger);
lifecycle.stopOnSignals();
main(lifecycle, devLogger).catch((error: unknown) => lifecycle.failed(error));
