import { resolve } from 'node:path';
import { databaseSettings, envInt, envOptional, envString, type DatabaseSettings, type TokenSettings } from '@hub/core';
import { readFileSync } from 'node:fs';

export const SUBGRAPH_NAME = 'plattform';

export interface PlattformConfig {
  port: number;
  database: DatabaseSettings;
  redisUrl?: string;
  tokens: TokenSettings;
  signingKeyPem?: string;
  /** Where a generated development signing key is kept (only when no key is configured). */
  devKeyFile?: string;
}

/** plattform's settings from the environment (documented in README.md). */
export function plattformConfigFromEnv(): PlattformConfig {
  const keyFile = envOptional('JWT_PRIVATE_KEY_FILE');
  const production = envString('NODE_ENV', 'development') === 'production';
  return {
    port: envInt('PLATTFORM_PORT', 4001),
    database: databaseSettings(SUBGRAPH_NAME),
    redisUrl: envOptional('REDIS_URL'),
    tokens: {
      issuer: envString('JWT_ISSUER', 'urn:hub:plattform'),
      audience: envString('JWT_AUDIENCE', 'urn:hub:graph'),
    },
    signingKeyPem: envOptional('JWT_PRIVATE_KEY') ?? (keyFile ? readFileSync(keyFile, 'utf8') : undefined),
    // Production never falls back to a generated key: tokens must survive restarts and replicas.
    devKeyFile: production ? undefined : resolve(envString('DATA_DIR', '.data'), 'keys', 'plattform-signing-key.json'),
  };
}
