import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'risk_hub';

/**
 * Who acted, not only an id: the audit trail records whether a person or a service account made
 * a change and, for a service account, the user who created it; an assessment keeps the person
 * behind a service-account author, whom the four-eyes rule refuses as approver. Existing rows keep
 * NULL (the append-only trail is never rewritten): their kind is not known here.
 */
export class ActorAccountability1765000000000 implements MigrationInterface {
  name = 'ActorAccountability1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE "${SCHEMA}".audit_entries
        ADD COLUMN actor_kind text CHECK (actor_kind IN ('USER', 'SERVICE_ACCOUNT')),
        ADD COLUMN actor_creator_id uuid,
        ADD CONSTRAINT audit_entries_actor_kind CHECK (actor_kind IS NULL OR actor_id IS NOT NULL),
        ADD CONSTRAINT audit_entries_actor_creator CHECK ((actor_kind = 'SERVICE_ACCOUNT') = (actor_creator_id IS NOT NULL))`);
    await runner.query(`ALTER TABLE "${SCHEMA}".assessments ADD COLUMN author_creator_id uuid`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${SCHEMA}".assessments DROP COLUMN author_creator_id`);
    await runner.query(`
      ALTER TABLE "${SCHEMA}".audit_entries
        DROP CONSTRAINT audit_entries_actor_creator,
        DROP CONSTRAINT audit_entries_actor_kind,
        DROP COLUMN actor_creator_id,
        DROP COLUMN actor_kind`);
  }
}
