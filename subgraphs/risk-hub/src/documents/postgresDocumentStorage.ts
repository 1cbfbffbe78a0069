import type { UnitOfWork } from '@hub/core';
import type { DocumentStorage, StoredObject } from './documentStorage';

/** Default backend: `bytea` rows in the subgraph's schema, tenant-isolated like every other table. */
export class PostgresDocumentStorage implements DocumentStorage {
  readonly kind = 'postgres' as const;

  async put(unit: UnitOfWork, object: StoredObject): Promise<void> {
    await unit.manager.query('INSERT INTO document_contents (storage_key, org_id, content) VALUES ($1, $2, $3)', [
      object.key,
      object.orgId,
      object.content,
    ]);
  }

  async get(unit: UnitOfWork, key: string): Promise<Buffer> {
    const rows: Array<{ content: Buffer }> = await unit.manager.query(
      'SELECT content FROM document_contents WHERE storage_key = $1',
      [key],
    );
    const row = rows[0];
    if (!row) throw new Error(`document content ${key} is missing`);
    return row.content;
  }
}
