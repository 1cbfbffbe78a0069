import { createLogger } from '@hub/core';
import { buildSchema, parse } from 'graphql';
import type { Pool } from 'pg';
import { TcpProxy } from '@hub/testkit/tcpProxy';
import { TEST_DATABASE_URL } from '@hub/testkit/testEnvironment';
import { migrateRegistry } from '../migrations/migrateRegistry';
import { registryDatabaseSettings, registryPool } from '../src';
import { FieldUsageRecorder, type OperationUsage } from '../src/usage/fieldUsageRecorder';
import { clientIdentityOf } from '../src/usage/useFieldUsage';
import { operationCoordinates, selectedOperation } from '../src/usage/schemaCoordinates';

const schema = buildSchema(/* GraphQL */ `
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String! friends: [User!]! }
  type Team implements Node { id: ID! title: String! }
  union Member = User | Team
  type Query { node(id: ID!): Node members: [Member!]! me: User }
`);

describe('schema coordinates of an operation', () => {
  it('follows fragments (named, inline, nested, repeated) and leaves out meta fields', () => {
    const document = parse(/* GraphQL */ `
      query Members {
        __typename
        members { __typename ...UserBits ... on Team { title } }
        node(id: "1") { id ... on User { ...UserBits } }
      }
      query Other { me { id } }
      fragment UserBits on User { name buddies: friends { ...UserBits } }
    `);
    const operation = selectedOperation(document, 'Members')!;
    expect(operationCoordinates(schema, document, operation)).toEqual([
      'Node.id',
      'Query.members',
      'Query.node',
      'Team.title',
      'User.friends',
      'User.name',
    ]);
    expect(selectedOperation(document)).toBeUndefined();
    expect(operationCoordinates(schema, document, selectedOperation(document, 'Other')!)).toEqual(['Query.me', 'User.id']);
  });
});

describe('client identity', () => {
  it('comes from either header family, else the WebSocket connection parameters; control characters and excess length go', () => {
    const request = (headers: Record<string, string>) => new Request('http://gateway.test/graphql', { headers });
    expect(clientIdentityOf(request({ 'apollographql-client-name': 'ios', 'apollographql-client-version': '7.1' }))).toEqual({ name: 'ios', version: '7.1' });
    expect(clientIdentityOf(request({ 'graphql-client-name': 'web', 'apollographql-client-name': 'ios' }))).toEqual({ name: 'web', version: 'unknown' });
    expect(clientIdentityOf(request({}), { 'graphql-client-name': 'cli\u0000\n', 'graphql-client-version': 'x'.repeat(300) })).toEqual({ name: 'cli', version: 'x'.repeat(100) });
  });
});

describe('field usage recorder (PostgreSQL)', () => {
  let pool: Pool;
  /** Reads past the proxy, so the table can be seen while the recorder's connection is cut. */
  let direct: Pool;
  const proxy = new TcpProxy(new URL(TEST_DATABASE_URL).hostname, Number(new URL(TEST_DATABASE_URL).port || 5432));
  const usage: OperationUsage = { name: 'Members', hash: `hash-${Date.now()}`, coordinates: ['Query.members', 'User.name'] };
  const rows = async () =>
    (
      await direct.query<{ coordinate: string; client_name: string; client_version: string; count: string }>(
        'SELECT coordinate, client_name, client_version, count::text FROM schema_registry.field_usage WHERE operation_hash = $1 ORDER BY coordinate, client_name',
        [usage.hash],
      )
    ).rows;

  beforeAll(async () => {
    const settings = registryDatabaseSettings();
    await migrateRegistry(settings);
    await proxy.start();
    const url = new URL(settings.appUrl);
    url.port = String(proxy.port);
    pool = registryPool(url.toString(), 1);
    direct = registryPool(settings.appUrl, 1);
    pool.on('error', () => undefined);
  });

  afterAll(async () => {
    await pool.end();
    await direct.end();
    await proxy.stop();
  });

  it('deletes days past the retention, once a day', async () => {
    const old = { ...usage, hash: `${usage.hash}-old` };
    await direct.query(
      `INSERT INTO schema_registry.field_usage (day, coordinate, operation_hash, operation_name, client_name, client_version, count)
       VALUES ((now() AT TIME ZONE 'UTC')::date - 91, 'Query.members', $1, 'Old', 'web', '1.0', 5),
              ((now() AT TIME ZONE 'UTC')::date - 89, 'Query.members', $1, 'Recent', 'web', '1.0', 5)`,
      [old.hash],
    );
    const recorder = new FieldUsageRecorder({ pool, logger: createLogger('field-usage-test'), flushMs: 60_000, retentionDays: 90 });
    await recorder.stop();
    const { rows: kept } = await direct.query<{ operation_name: string }>('SELECT operation_name FROM schema_registry.field_usage WHERE operation_hash = $1', [old.hash]);
    expect(kept).toEqual([{ operation_name: 'Recent' }]);
  });

  it('writes counts per coordinate, client and day, adding to what is there; keeps them while the database is away', async () => {
    const recorder = new FieldUsageRecorder({ pool, logger: createLogger('field-usage-test'), flushMs: 60_000, retentionDays: 90 });
    for (let index = 0; index < 3; index += 1) recorder.record(usage, { name: 'web', version: '2.0.0' });
    recorder.record(usage, { name: 'ios', version: '7.1' });
    await recorder.flush();
    expect(await rows()).toEqual([
      { coordinate: 'Query.members', client_name: 'ios', client_version: '7.1', count: '1' },
      { coordinate: 'Query.members', client_name: 'web', client_version: '2.0.0', count: '3' },
      { coordinate: 'User.name', client_name: 'ios', client_version: '7.1', count: '1' },
      { coordinate: 'User.name', client_name: 'web', client_version: '2.0.0', count: '3' },
    ]);

    await proxy.stop();
    recorder.record(usage, { name: 'web', version: '2.0.0' });
    recorder.record(usage, { name: 'web', version: '2.0.0' });
    await recorder.flush();
    expect((await rows()).filter((row) => row.client_name === 'web').map((row) => row.count)).toEqual(['3', '3']);
    recorder.record(usage, { name: 'web', version: '2.0.0' });
    await proxy.start();
    await recorder.stop();
    const web = (await rows()).filter((row) => row.client_name === 'web');
    expect(web.map((row) => row.count)).toEqual(['6', '6']);

    // Two entries that meet on a primary key (same operation hash under two names) make one row.
    recorder.record({ ...usage, name: 'Renamed' }, { name: 'web', version: '2.0.0' });
    recorder.record(usage, { name: 'web', version: '2.0.0' });
    await recorder.flush();
    expect((await rows()).filter((row) => row.client_name === 'web').map((row) => row.count)).toEqual(['8', '8']);

    // The day is the UTC day of the execution.
    recorder.record(usage, { name: 'batch', version: '1' }, Date.UTC(2026, 0, 31, 23, 59, 59));
    recorder.record(usage, { name: 'batch', version: '1' }, Date.UTC(2026, 1, 1, 0, 0, 0));
    await recorder.flush();
    const { rows: days } = await direct.query<{ day: string; count: string }>(
      "SELECT day::text, count::text FROM schema_registry.field_usage WHERE operation_hash = $1 AND client_name = 'batch' AND coordinate = 'User.name' ORDER BY day",
      [usage.hash],
    );
    expect(days).toEqual([{ day: '2026-01-31', count: '1' }, { day: '2026-02-01', count: '1' }]);
  });
});
