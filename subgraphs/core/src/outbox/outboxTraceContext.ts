import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_TABLE } from './outboxTable';

/**
 * `traceparent` / `tracestate` on `<schema>.outbox`: the W3C trace context of the transaction that
 * wrote the event (NULL when that process did not trace), so a delivery can link to its cause.
 */
export async function addOutboxTraceContext(runner: QueryRunner, schema: string): Promise<void> {
  await runner.query(`ALTER TABLE "${schema}"."${OUTBOX_TABLE}" ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
}

/** Down migration of addOutboxTraceContext. */
export async function removeOutboxTraceContext(runner: QueryRunner, schema: string): Promise<void> {
  await runner.query(`ALTER TABLE "${schema}"."${OUTBOX_TABLE}" DROP COLUMN traceparent, DROP COLUMN tracestate`);
}

/** The migration every hub subgraph lists after its event log migration (one per schema). */
export function outboxTraceContextMigration(schema: string): new () => MigrationInterface {
  return class OutboxTraceContext1765480000000 implements MigrationInterface {
    name = 'OutboxTraceContext1765480000000';

    async up(runner: QueryRunner): Promise<void> {
      await addOutboxTraceContext(runner, schema);
    }

    async down(runner: QueryRunner): Promise<void> {
      await removeOutboxTraceContext(runner, schema);
    }
  };
}
