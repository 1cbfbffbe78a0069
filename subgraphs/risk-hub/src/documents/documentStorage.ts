import type { UnitOfWork } from '@hub/core';

export type DocumentStorageKind = 'postgres' | 's3';

export interface StoredObject {
  /** Unique per document version: `<orgId>/<documentId>/<versionId>`. */
  key: string;
  orgId: string;
  content: Buffer;
  contentType: string;
  /** Lowercase hex SHA-256 of `content`, computed by the caller. */
  sha256: string;
}

/**
 * Where document bytes live. Metadata (name, version, checksum) is always in PostgreSQL; the
 * content goes to the configured backend. Calls receive the caller's unit of work so a backend in
 * the same database writes in the same transaction (and under the same tenant's RLS).
 */
export interface DocumentStorage {
  readonly kind: DocumentStorageKind;
  put(unit: UnitOfWork, object: StoredObject): Promise<void>;
  /** The stored bytes; throws when the object does not exist. */
  get(unit: UnitOfWork, key: string): Promise<Buffer>;
}
