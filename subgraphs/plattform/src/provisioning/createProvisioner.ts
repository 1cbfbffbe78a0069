import type { Logger } from '@hub/core';
import { KubernetesProvisioner } from './kubernetesProvisioner';
import { NoneProvisioner } from './noneProvisioner';
import type { ProvisionerSettings } from './provisionerSettings';
import type { TenantProvisioner } from './tenantProvisioner';

export function createProvisioner(settings: ProvisionerSettings, logger: Logger): TenantProvisioner {
  return settings.kind === 'kubernetes' ? new KubernetesProvisioner(settings, logger) : new NoneProvisioner();
}
