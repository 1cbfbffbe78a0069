import { envBool, envInt, envOptional, envString } from '@hub/core';
import type { DocumentStorageKind } from './documents/documentStorage';
import type { S3StorageSettings } from './documents/s3DocumentStorage';

export const SUBGRAPH_NAME = 'risk-hub';

/** Defaults documented in subgraphs/risk-hub/README.md, "Configuration". */
export const DEFAULT_OVERDUE_CHECK_INTERVAL_MS = 60_000;
export const DEFAULT_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_DOCUMENT_CONTENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'text/plain',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;

export interface DocumentLimits {
  maxBytes: number;
  contentTypes: readonly string[];
}

export interface RiskHubSettings {
  /** 0 turns the scheduled overdue check off (e.g. when another replica runs it). */
  overdueCheckIntervalMs: number;
  documentLimits: DocumentLimits;
  documentStorage: DocumentStorageKind;
  s3?: S3StorageSettings;
}

function storageKind(value: string): DocumentStorageKind {
  if (value === 'postgres' || value === 's3') return value;
  throw new Error(`RISK_HUB_DOCUMENT_STORAGE must be "postgres" or "s3", got "${value}"`);
}

/** risk-hub's own settings from the environment (documented in subgraphs/risk-hub/README.md). */
export function riskHubSettingsFromEnv(): RiskHubSettings {
  const documentStorage = storageKind(envString('RISK_HUB_DOCUMENT_STORAGE', 'postgres'));
  const contentTypes = envOptional('RISK_HUB_DOCUMENT_CONTENT_TYPES');
  return {
    overdueCheckIntervalMs: envInt('RISK_HUB_OVERDUE_CHECK_INTERVAL_MS', DEFAULT_OVERDUE_CHECK_INTERVAL_MS),
    documentLimits: {
      maxBytes: envInt('RISK_HUB_DOCUMENT_MAX_BYTES', DEFAULT_DOCUMENT_MAX_BYTES),
      contentTypes: contentTypes ? contentTypes.split(',').map((type) => type.trim()) : DEFAULT_DOCUMENT_CONTENT_TYPES,
    },
    documentStorage,
    s3:
      documentStorage === 's3'
        ? {
            bucket: envString('RISK_HUB_S3_BUCKET', 'risk-hub-documents'),
            region: envString('RISK_HUB_S3_REGION', 'us-east-1'),
            endpoint: envOptional('RISK_HUB_S3_ENDPOINT'),
            accessKeyId: envOptional('RISK_HUB_S3_ACCESS_KEY_ID'),
            secretAccessKey: envOptional('RISK_HUB_S3_SECRET_ACCESS_KEY'),
            forcePathStyle: envBool('RISK_HUB_S3_FORCE_PATH_STYLE', true),
          }
        : undefined,
  };
}
