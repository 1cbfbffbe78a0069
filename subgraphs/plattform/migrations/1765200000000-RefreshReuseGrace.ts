import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEMA = 'plattform';

/**
 * A refresh token remembers which client spent it and, sealed with the token itself, the pair it
 * was exchanged for: a parallel retry by that client within the reuse grace gets the same pair
 * instead of revoking the session (see sessions/refreshReuseGrace.ts).
 */
export class RefreshReuseGrace1765200000000 implements MigrationInterface {
  name = 'RefreshReuseGrace1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "${SCHEMA}".refresh_tokens ADD COLUMN used_by_client text, ADD COLUMN successor_sealed text`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${SCHEMA}".refresh_tokens DROP COLUMN used_by_client, DROP COLUMN successor_sealed`);
  }
}
