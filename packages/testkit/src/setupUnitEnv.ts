import './setupEnv';

// Unit tests run without a database or Redis: a test that reaches for one fails at once, which
// says it belongs to the integration tier (a file not named *.unit.test.ts).
process.env.DATABASE_URL = 'postgres://unit-tests-have-no-database@127.0.0.1:9/none';
delete process.env.REDIS_URL;
