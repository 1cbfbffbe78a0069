const { availableParallelism, loadavg } = require('node:os');

/**
 * One jest run covers every workspace. Files run in parallel workers, each on a database, Redis and
 * data directory of its own (packages/testkit/src/globalSetup.ts). Most files wait on sockets, timers and
 * child processes more than they compute: with one worker per core, two cores were 1.4 busy on
 * average, so there is one worker more than cores (on two cores the run took 312 s instead of 343 s).
 * TEST_WORKERS overrides the count (`--runInBand` runs in one process).
 */
const TEST_WORKERS = Number(process.env.TEST_WORKERS ?? availableParallelism() + 1);
/**
 * A test's default time limit: 30 s on a quiet machine, stretched by the load average per core when
 * the machine is busy (as @hub/testkit/machineTime stretches the tests' own bounds).
 */
const TEST_TIMEOUT = Math.round(30_000 * Math.max(1, loadavg()[0] / availableParallelism()) * Number(process.env.TEST_TIME_SCALE ?? 1));
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: false },
    },
    module: { type: 'commonjs' },
  },
];

/** ESM-only dependencies (the Kubernetes client, file-type and their trees) are compiled to CommonJS for jest. */
const ESM_ONLY = [
  '@kubernetes/client-node',
  'openid-client',
  'oauth4webapi',
  'jose',
  'socks-proxy-agent',
  'agent-base',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer/inflate',
  '@borewit/text-codec',
];
const esmTransform = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } }];

/** What both tiers share: TypeScript through swc, the Node realm with explicit-resource-management symbols. */
const shared = {
  rootDir: __dirname,
  testEnvironment: '<rootDir>/packages/testkit/src/jestEnvironment.ts',
  roots: ['<rootDir>/packages', '<rootDir>/subgraphs', '<rootDir>/gateway', '<rootDir>/test'],
  transform: { '^.+\\.ts$': swcTransform, '^.+\\.m?js$': esmTransform },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
};

/**
 * Two tiers (docs/testing.md). `unit`: files named `*.unit.test.ts`, pure code in this process, no
 * database (DATABASE_URL points nowhere), no Redis, no servers; `npm run test:unit`. `integration`:
 * every other test file, on real PostgreSQL and Redis, most through a running stack. `npm test` runs both.
 */
module.exports = {
  maxWorkers: TEST_WORKERS,
  // Longest files first, from test/durations.json when this checkout has no timing of its own yet.
  testSequencer: '<rootDir>/packages/testkit/src/durationSequencer.cjs',
  testTimeout: TEST_TIMEOUT,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/test/**/*.unit.test.ts'],
      setupFiles: ['<rootDir>/packages/testkit/src/setupUnitEnv.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['**/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.test\\.ts$'],
      globalSetup: '<rootDir>/packages/testkit/src/globalSetup.ts',
      globalTeardown: '<rootDir>/packages/testkit/src/globalTeardown.ts',
      setupFiles: ['<rootDir>/packages/testkit/src/setupEnv.ts'],
    },
  ],
};
