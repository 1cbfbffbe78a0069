import { RATE_LIMIT_CONFIG } from '@hub/core';

/**
 * Configs only platform operators write (operator command), globally or for one organization;
 * tenants read them but cannot change them with setConfig. The database holds plattform's app
 * role to the same list (migration OperatorOwnedConfigs1765100000000).
 */
export const OPERATOR_OWNED_CONFIGS: ReadonlyArray<{ service: string; key: string }> = [
  { service: RATE_LIMIT_CONFIG.service, key: RATE_LIMIT_CONFIG.ceilingKey },
];

export function isOperatorOwned(service: string, key: string): boolean {
  return OPERATOR_OWNED_CONFIGS.some((owned) => owned.service === service && owned.key === key);
}
