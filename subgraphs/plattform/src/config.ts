import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  envInt,
  envOptional,
  envString,
  hubSubgraphSettingsFromEnv,
  loginLimitSettingsFromEnv,
  rateLimitDefaultFromEnv,
  type HubSubgraphSettings,
  type LoginLimitSettings,
  type RateLimitWindow,
} from '@hub/core';
import type { HashingSlotsSettings } from './identity/hashingSlots';
import { DEFAULT_SCRYPT_COST, scryptCostFor, type ScryptCost } from './identity/passwordHasher';
import { DEFAULT_REFRESH_REUSE_GRACE_SECONDS } from './sessions/sessionService';
import { provisionerSettingsFromEnv, type ProvisionerSettings } from './provisioning/provisionerSettings';

export const SUBGRAPH_NAME = 'plattform';

export interface PlattformConfig extends HubSubgraphSettings {
  signingKeyPem?: string;
  /** Public keys of rotated-out signing keys, still published until their tokens expired (JWKS JSON). */
  previousSigningKeys?: string;
  /** Where a generated development signing key is kept (only when no key is configured). */
  devKeyFile?: string;
  /** How tenants get infrastructure (TENANT_PROVISIONER); see provisioning/. */
  provisioner: ProvisionerSettings;
  /**
   * How long plattform's promise "every recorded revocation is on the Redis denylist" lasts
   * unless renewed; readers stop trusting the denylist when it lapses (docs/security.md, "Token revocation").
   */
  denylistLeaseMs: number;
  /** How long the client that spent a refresh token may present it again and get the same pair. */
  refreshReuseGraceSeconds: number;
  /**
   * The gateway's static rate limit (GATEWAY_RATE_LIMIT…, read here too): the ceiling of a
   * tenant's own `gateway/rateLimit` where no operator set one; null when the gateway's is off.
   */
  rateLimitCeilingDefault: RateLimitWindow | null;
  /** Bound on password hashing (login, signUp): hashes at once, waiting, longest wait. */
  passwordHashing: HashingSlotsSettings;
  /** scrypt cost of new password hashes (PASSWORD_SCRYPT_N); stored hashes keep their own. */
  passwordHashCost: ScryptCost;
  /**
   * Sign-in attempts per account (LOGIN_LIMIT_PER_ACCOUNT…), also when called straight, not
   * through the gateway. Not per address: behind the gateway every caller has the gateway's.
   */
  loginLimits: LoginLimitSettings;
}

/** `DATA_DIR/keys/<name>`: development key material (never used in production). */
export function devKeyPath(name: string): string {
  return resolve(envString('DATA_DIR', '.data'), 'keys', name);
}

export const DEV_SIGNING_KEY_FILE = 'plattform-signing-key.json';
export const DEV_PREVIOUS_KEYS_FILE = 'plattform-previous-keys.json';

function fileIfExists(path: string | undefined): string | undefined {
  return path && existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function staticRateLimitCeiling(): RateLimitWindow | null {
  const gatewayDefault = rateLimitDefaultFromEnv();
  return gatewayDefault.limit > 0 ? gatewayDefault : null;
}

/** plattform's settings from the environment (documented in docs/configuration.md). */
export function plattformConfigFromEnv(): PlattformConfig {
  const keyFile = envOptional('JWT_PRIVATE_KEY_FILE');
  const production = envString('NODE_ENV', 'development') === 'production';
  return {
    ...hubSubgraphSettingsFromEnv(SUBGRAPH_NAME),
    signingKeyPem: envOptional('JWT_PRIVATE_KEY') ?? (keyFile ? readFileSync(keyFile, 'utf8') : undefined),
    previousSigningKeys:
      envOptional('JWT_PREVIOUS_KEYS') ??
      fileIfExists(envOptional('JWT_PREVIOUS_KEYS_FILE') ?? (production ? undefined : devKeyPath(DEV_PREVIOUS_KEYS_FILE))),
    // Production never falls back to a generated key: tokens must survive restarts and replicas.
    devKeyFile: production ? undefined : devKeyPath(DEV_SIGNING_KEY_FILE),
    denylistLeaseMs: envInt('DENYLIST_LEASE_MS', 2500),
    refreshReuseGraceSeconds: envInt('REFRESH_REUSE_GRACE_SECONDS', DEFAULT_REFRESH_REUSE_GRACE_SECONDS),
    provisioner: provisionerSettingsFromEnv(),
    rateLimitCeilingDefault: staticRateLimitCeiling(),
    loginLimits: { perAddress: null, perAccount: loginLimitSettingsFromEnv().perAccount },
    passwordHashing: {
      // Half the cores: a login flood leaves the other half to everything else plattform does.
      concurrency: envInt('PASSWORD_HASH_CONCURRENCY', Math.max(1, Math.floor(availableParallelism() / 2))),
      queue: envInt('PASSWORD_HASH_QUEUE', 64),
      maxWaitMs: envInt('PASSWORD_HASH_WAIT_MS', 3000),
    },
    passwordHashCost: scryptCostFor(envInt('PASSWORD_SCRYPT_N', DEFAULT_SCRYPT_COST.N), production),
  };
}
