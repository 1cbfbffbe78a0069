import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DocumentStorage, StoredObject } from './documentStorage';

export interface S3StorageSettings {
  bucket: string;
  region: string;
  /** e.g. `http://minio:9000`; unset for AWS itself. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** MinIO and most self-hosted S3 servers need path-style URLs (`/<bucket>/<key>`). */
  forcePathStyle: boolean;
}

/**
 * S3-compatible backend (AWS S3, MinIO). The object is written before the metadata commits; if the
 * transaction then rolls back, an unreferenced object is left behind (keys are unique per version,
 * so it never shadows real content). The bucket must exist.
 */
export class S3DocumentStorage implements DocumentStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly settings: S3StorageSettings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
      // We send our own SHA-256 checksum; no extra CRC trailers (not every S3 server speaks them).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(_unit: unknown, object: StoredObject): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: object.key,
        Body: object.content,
        ContentType: object.contentType,
        ContentLength: object.content.length,
        // S3 verifies the upload against it and refuses corrupted bodies.
        ChecksumSHA256: Buffer.from(object.sha256, 'hex').toString('base64'),
      }),
    );
  }

  async get(_unit: unknown, key: string): Promise<Buffer> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    if (!response.Body) throw new Error(`document content ${key} is missing`);
    return Buffer.from(await response.Body.transformToByteArray());
  }

  destroy(): void {
    this.client.destroy();
  }
}
