import type { EntityManager } from 'typeorm';

/**
 * Runs `UPDATE … RETURNING id` and gives the updated ids. TypeORM's `query()` answers UPDATE with
 * `[rows, count]` instead of rows, so the statement is wrapped in a CTE, which answers as a SELECT.
 */
export async function updateReturningIds(manager: EntityManager, updateSql: string, parameters: unknown[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await manager.query(`WITH updated AS (${updateSql}) SELECT id FROM updated`, parameters);
  return rows.map((row) => row.id);
}
