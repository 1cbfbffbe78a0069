import { provideGatewayKeyPairForThisRun } from '@hub/core';
import { TEST_DATA_DIR, TEST_DATABASE_URL } from './testEnvironment';

// Every service under test reads its settings from the environment, exactly as in production.
process.env.DATABASE_URL = TEST_DATABASE_URL;
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.DATA_DIR = TEST_DATA_DIR;
delete process.env.REDIS_URL;
delete process.env.DATABASE_APP_URL;
delete process.env.NODE_ENV;
// Suites sign the same accounts in many times a second from one address; the login limit's own
// tests (test/loginLimit.test.ts) set the limits they check.
process.env.LOGIN_LIMIT_PER_ADDRESS ??= '100000';
process.env.LOGIN_LIMIT_PER_ACCOUNT ??= '100000';

// The gateway signs its calls to subgraphs with its own key; every service under test gets the pair
// the way a deployment configures it (gatewaySignature.ts signs direct calls with it).
delete process.env.GATEWAY_SIGNING_KEY;
delete process.env.GATEWAY_PUBLIC_KEY;
delete process.env.GATEWAY_JWKS_URL;
delete process.env.SUBGRAPH_ALLOW_UNSIGNED;
delete process.env.HOST;
provideGatewayKeyPairForThisRun();

// Deadlines that protect production from overload are not what most tests check, and on a machine
// busy with other work they fire in tests that merely sign up a few accounts at once: a subgraph
// call's (10 s) and the wait for a password hashing slot (3 s). Tests of them set their own.
process.env.SUBGRAPH_TIMEOUT_MS ??= '60000';
process.env.PASSWORD_HASH_WAIT_MS ??= '60000';
// A password hash at production cost is about 60 ms of a core, and suites sign up hundreds of
// accounts. What they check happens around the hash, not its strength: they hash at a sixteenth of
// the cost. The hashing bound's own test (passwordHashingLimit) hashes at production cost.
process.env.PASSWORD_SCRYPT_N ??= '1024';
