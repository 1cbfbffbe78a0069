import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DocumentStorageKind } from './documentStorage';

/** One uploaded revision of a document; never changed or removed once written. */
@Entity({ name: 'document_versions' })
export class DocumentVersion {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'org_id', type: 'uuid' })
  orgId!: string;

  @Column({ name: 'document_id', type: 'uuid' })
  documentId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ type: 'text' })
  storage!: DocumentStorageKind;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey!: string;

  @Column({ name: 'uploaded_by', type: 'uuid' })
  uploadedBy!: string;

  @Column({ name: 'uploaded_at', type: 'timestamptz' })
  uploadedAt!: Date;
}

/** A version together with its document's name, as the API shows it. */
export interface DocumentVersionView extends DocumentVersion {
  fileName: string;
}
