const { availableParallelism } = require('node:os');

/**
 * One jest run covers every workspace. Files run in parallel workers, each on a database, Redis and
 * data directory of its own (packages/testkit/src/globalSetup.ts). Most files wait on sockets, timers and
 * child processes more than they compute, so even two cores keep two workers busy; TEST_WORKERS
 * overrides the count (`--runInBand` runs in one process).
 */
const TEST_WORKERS = Number(process.env.TEST_WORKERS ?? Math.max(2, availableParallelism()));
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

module.exports = {
  testEnvironment: '<rootDir>/packages/testkit/src/jestEnvironment.ts',
  roots: ['<rootDir>/subgraphs', '<rootDir>/gateway', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': swcTransform, '^.+\\.m?js$': esmTransform },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  globalSetup: '<rootDir>/packages/testkit/src/globalSetup.ts',
  globalTeardown: '<rootDir>/packages/testkit/src/globalTeardown.ts',
  maxWorkers: TEST_WORKERS,
  setupFiles: ['<rootDir>/packages/testkit/src/setupEnv.ts'],
  testTimeout: 30000,
};
