import { formatBytes, formatCpu } from './quantity';

/** Resource limits of one tenant, in exact units. */
export interface TenantQuota {
  cpuMillicores: number;
  memoryBytes: number;
  storageBytes: number;
}

/** What every new organization starts with (source documents, area A: CPU 10, memory 20Gi, storage 10Gi). */
export const DEFAULT_QUOTA: TenantQuota = {
  cpuMillicores: 10_000,
  memoryBytes: 20 * 1024 ** 3,
  storageBytes: 10 * 1024 ** 3,
};

export const INITIAL_QUOTA_REASON = 'initial default quota';

/** The quota as Kubernetes quantities (`10`, `20Gi`, `10Gi`). */
export function quotaQuantities(quota: TenantQuota): { cpu: string; memory: string; storage: string } {
  return { cpu: formatCpu(quota.cpuMillicores), memory: formatBytes(quota.memoryBytes), storage: formatBytes(quota.storageBytes) };
}
