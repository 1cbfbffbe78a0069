import { envString } from '@hub/core';
import { PROVISIONER_KINDS, type ProvisionerKind } from './tenantProvisioner';

export interface ProvisionerSettings {
  kind: ProvisionerKind;
  /** ClusterRole the tenant owner is bound to in their namespace. */
  ownerClusterRole: string;
  /** Prefix of the Kubernetes user name of a hub user (`<prefix><user id>`), as your OIDC setup names them. */
  kubernetesUserPrefix: string;
  /** A kubeconfig file to use instead of the client's standard lookup (tests, several clusters). */
  kubeconfigFile?: string;
}

/**
 * `TENANT_PROVISIONER=none|kubernetes`. The Kubernetes client itself finds the cluster the
 * standard way: `KUBECONFIG`, then `~/.kube/config`, then the in-cluster service account.
 */
export function provisionerSettingsFromEnv(): ProvisionerSettings {
  const kind = envString('TENANT_PROVISIONER', 'none');
  if (!(PROVISIONER_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`TENANT_PROVISIONER must be one of ${PROVISIONER_KINDS.join(', ')}, got "${kind}"`);
  }
  return {
    kind: kind as ProvisionerKind,
    ownerClusterRole: envString('TENANT_OWNER_CLUSTER_ROLE', 'admin'),
    kubernetesUserPrefix: envString('TENANT_KUBERNETES_USER_PREFIX', 'hub:user:'),
  };
}
