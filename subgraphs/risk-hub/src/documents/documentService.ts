import { createHash, randomUUID } from 'node:crypto';
import { BadUserInputError, type UnitOfWork } from '@hub/core';
import { In } from 'typeorm';
import type { AssessmentService } from '../assessments/assessmentService';
import { requireNotArchived } from '../assessments/assessmentWorkflow';
import type { AuditTrail } from '../audit/auditTrail';
import type { DocumentLimits } from '../config';
import { requireContentMatchesType } from './contentSignature';
import { requireText } from '../validation';
import { AssessmentDocument } from './document.entity';
import type { DocumentStorage } from './documentStorage';
import { DocumentVersion, type DocumentVersionView } from './documentVersion.entity';

export interface UploadInput {
  assessmentId: string;
  fileName: string;
  contentType: string;
  contentBase64: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Path separators and control characters have no place in a display name.
const UNSAFE_FILE_NAME = /[\\/\u0000-\u001f\u007f]/;

export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Strict base64 (the lenient Node decoder would silently drop invalid characters). */
function decodeBase64(value: string, maxBytes: number): Buffer {
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new BadUserInputError('contentBase64 is not valid base64', { field: 'contentBase64' });
  }
  // Checked before decoding, so an oversized upload is not decoded into memory first.
  if ((compact.length / 4) * 3 - (compact.match(/=+$/)?.[0].length ?? 0) > maxBytes) {
    throw new BadUserInputError(`The file is larger than ${maxBytes} bytes`, { field: 'contentBase64', maxBytes });
  }
  return Buffer.from(compact, 'base64');
}

/** Versioned documents on assessments: metadata and checksum in PostgreSQL, bytes in the storage backend. */
export class DocumentService {
  constructor(
    private readonly assessments: AssessmentService,
    private readonly audit: AuditTrail,
    private readonly storage: DocumentStorage,
    private readonly limits: (orgId: string | null) => DocumentLimits,
  ) {}

  async upload(unit: UnitOfWork, input: UploadInput): Promise<DocumentVersionView> {
    const limits = this.limits(unit.scope.orgId);
    const fileName = requireText('fileName', input.fileName, 255);
    if (UNSAFE_FILE_NAME.test(fileName)) {
      throw new BadUserInputError('fileName must not contain path separators or control characters', { field: 'fileName' });
    }
    const contentType = input.contentType.trim().toLowerCase();
    if (!limits.contentTypes.includes(contentType)) {
      throw new BadUserInputError(`Content type ${contentType} is not accepted`, {
        field: 'contentType',
        accepted: [...limits.contentTypes],
      });
    }
    const content = decodeBase64(input.contentBase64, limits.maxBytes);
    if (content.length === 0) throw new BadUserInputError('The file is empty', { field: 'contentBase64' });
    await requireContentMatchesType(content, contentType);

    const assessment = await this.assessments.lockForChange(unit, input.assessmentId);
    requireNotArchived(assessment.status);
    // The assessment's row lock serializes uploads to it, so version numbers cannot collide.
    let document = await unit.manager.findOneBy(AssessmentDocument, { assessmentId: assessment.id, fileName });
    if (!document) {
      const id = randomUUID();
      await unit.manager.insert(AssessmentDocument, { id, orgId: assessment.orgId, assessmentId: assessment.id, fileName });
      document = await unit.manager.findOneByOrFail(AssessmentDocument, { id });
    }
    const latest = await unit.manager.findOne(DocumentVersion, {
      where: { documentId: document.id },
      order: { version: 'DESC' },
    });
    const versionId = randomUUID();
    const sha256 = sha256Hex(content);
    const storageKey = `${assessment.orgId}/${document.id}/${versionId}`;
    await this.storage.put(unit, { key: storageKey, orgId: assessment.orgId, content, contentType, sha256 });
    await unit.manager.insert(DocumentVersion, {
      id: versionId,
      orgId: assessment.orgId,
      documentId: document.id,
      version: (latest?.version ?? 0) + 1,
      contentType,
      sizeBytes: content.length,
      sha256,
      storage: this.storage.kind,
      storageKey,
      uploadedBy: unit.scope.userId!,
    });
    const created = await unit.manager.findOneByOrFail(DocumentVersion, { id: versionId });
    const { orgId: _org, storageKey: _key, uploadedAt: _at, ...recorded } = created;
    await this.audit.record(unit, {
      assessmentId: assessment.id,
      entityType: 'DOCUMENT',
      entityId: document.id,
      action: 'uploaded',
      before: null,
      after: { fileName, ...recorded },
    });
    return { ...created, fileName };
  }

  forAssessments(unit: UnitOfWork, assessmentIds: readonly string[]): Promise<AssessmentDocument[]> {
    return unit.manager.find(AssessmentDocument, {
      where: { assessmentId: In([...assessmentIds]) },
      order: { fileName: 'ASC' },
    });
  }

  /** Versions of the documents, newest first, each with its document's file name. */
  async versionsOf(unit: UnitOfWork, documentIds: readonly string[]): Promise<DocumentVersionView[]> {
    const { entities, raw } = await unit.manager
      .createQueryBuilder(DocumentVersion, 'v')
      .innerJoin(AssessmentDocument, 'd', 'd.id = v.document_id')
      .addSelect('d.file_name', 'file_name')
      .where('v.document_id IN (:...ids)', { ids: [...documentIds] })
      .orderBy('v.version', 'DESC')
      .getRawAndEntities<{ v_id: string; file_name: string }>();
    const names = new Map(raw.map((row) => [row.v_id, row.file_name]));
    return entities.map((version) => ({ ...version, fileName: names.get(version.id) ?? '' }));
  }

  /** The content, checked against the checksum recorded at upload. */
  async content(unit: UnitOfWork, version: DocumentVersion): Promise<Buffer> {
    if (version.storage !== this.storage.kind) {
      throw new Error(`document version ${version.id} is in ${version.storage} storage, but ${this.storage.kind} is configured`);
    }
    const content = await this.storage.get(unit, version.storageKey);
    if (sha256Hex(content) !== version.sha256) throw new Error(`document version ${version.id} fails its checksum`);
    return content;
  }
}
