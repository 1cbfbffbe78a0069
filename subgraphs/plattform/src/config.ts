import { resolve } from 'node:path';
import { envOptional, envString, hubSubgraphSettingsFromEnv, type HubSubgraphSettings } from '@hub/core';
import { readFileSync } from 'node:fs';
import { provisionerSettingsFromEnv, type ProvisionerSettings } from './provisioning/provisionerSettings';

export const SUBGRAPH_NAME = 'plattform';

export interface PlattformConfig extends HubSubgraphSettings {
  signingKeyPem?: string;
  /** Where a generated development signing key is kept (only when no key is configured). */
  devKeyFile?: string;
  /** How tenants get infrastructure (TENANT_PROVISIONER); see provisioning/. */
  provisioner: ProvisionerSettings;
}

/** plattform's settings from the environment (documented in README.md). */
export function plattformConfigFromEnv(): PlattformConfig {
  const keyFile = envOptional('JWT_PRIVATE_KEY_FILE');
  const production = envString('NODE_ENV', 'development') === 'production';
  return {
    ...hubSubgraphSettingsFromEnv(SUBGRAPH_NAME, 4001),
    signingKeyPem: envOptional('JWT_PRIVATE_KEY') ?? (keyFile ? readFileSync(keyFile, 'utf8') : undefined),
    // Production never falls back to a generated key: tokens must survive restarts and replicas.
    devKeyFile: production ? undefined : resolve(envString('DATA_DIR', '.data'), 'keys', 'plattform-signing-key.json'),
    provisioner: provisionerSettingsFromEnv(),
  };
}
