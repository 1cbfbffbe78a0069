import type { Logger } from '@hub/core';
import type { TenantQuota } from '../quotas/tenantQuota';
import {
  defaultDenyNetworkPolicyManifest,
  isolationReadyPatch,
  namespaceManifest,
  namespaceName,
  NETWORK_POLICY_NAME,
  OWNER_ROLE_BINDING_NAME,
  ownerRoleBindingManifest,
  quotaPatch,
  RESOURCE_QUOTA_NAME,
  resourceQuotaManifest,
} from './kubernetesObjects';
import type { ProvisionerSettings } from './provisionerSettings';
import { ProvisioningError, type ProvisioningStep, type TenantProvisioner, type TenantSpec, type TenantTarget } from './tenantProvisioner';

// The client is ESM-only; this CommonJS package loads it with a dynamic import (types only here).
type KubernetesClient = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
type ConfigurationOptions = ReturnType<KubernetesClient['setHeaderOptions']>;

interface KubernetesApis {
  core: InstanceType<KubernetesClient['CoreV1Api']>;
  networking: InstanceType<KubernetesClient['NetworkingV1Api']>;
  rbac: InstanceType<KubernetesClient['RbacAuthorizationV1Api']>;
  mergePatch: ConfigurationOptions;
}

/** Loads the given kubeconfig, or the standard way: KUBECONFIG, ~/.kube/config, or in-cluster. */
async function connect(kubeconfigFile: string | undefined): Promise<KubernetesApis> {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  if (kubeconfigFile) config.loadFromFile(kubeconfigFile);
  else config.loadFromDefault();
  return {
    core: config.makeApiClient(k8s.CoreV1Api),
    networking: config.makeApiClient(k8s.NetworkingV1Api),
    rbac: config.makeApiClient(k8s.RbacAuthorizationV1Api),
    mergePatch: k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  };
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Kubernetes API answers become messages without cluster internals (the creator sees them). */
function describe(action: string, error: unknown): ProvisioningError {
  const code = statusCode(error);
  return new ProvisioningError(
    code === 409 ? `${action}: the object already exists` : `${action}: Kubernetes API ${code ? `answered ${code}` : 'unreachable'}`,
    error,
  );
}

/**
 * One namespace per tenant (`org-<slug>`) with a ResourceQuota, a default-deny NetworkPolicy and a
 * RoleBinding for the owner; the `isolation-ready=true` label opens the namespace gate last.
 */
export class KubernetesProvisioner implements TenantProvisioner {
  readonly kind = 'kubernetes';
  private apis: Promise<KubernetesApis> | null = null;

  constructor(
    private readonly settings: ProvisionerSettings,
    private readonly logger: Logger,
  ) {}

  stepsFor(tenant: TenantSpec): ProvisioningStep[] {
    const namespace = namespaceName(tenant);
    const userName = `${this.settings.kubernetesUserPrefix}${tenant.ownerUserId}`;
    return [
      this.step('namespace', async ({ core }) => {
        await core.createNamespace({ body: namespaceManifest(tenant) });
      }, async ({ core }) => {
        await core.deleteNamespace({ name: namespace });
      }),
      this.step('resource-quota', async ({ core }) => {
        await core.createNamespacedResourceQuota({ namespace, body: resourceQuotaManifest(tenant) });
      }, async ({ core }) => {
        await core.deleteNamespacedResourceQuota({ namespace, name: RESOURCE_QUOTA_NAME });
      }),
      this.step('network-policy', async ({ networking }) => {
        await networking.createNamespacedNetworkPolicy({ namespace, body: defaultDenyNetworkPolicyManifest(tenant) });
      }, async ({ networking }) => {
        await networking.deleteNamespacedNetworkPolicy({ namespace, name: NETWORK_POLICY_NAME });
      }),
      this.step('owner-role-binding', async ({ rbac }) => {
        await rbac.createNamespacedRoleBinding({
          namespace,
          body: ownerRoleBindingManifest(tenant, this.settings.ownerClusterRole, userName),
        });
      }, async ({ rbac }) => {
        await rbac.deleteNamespacedRoleBinding({ namespace, name: OWNER_ROLE_BINDING_NAME });
      }),
      this.step('isolation-ready', async ({ core, mergePatch }) => {
        await core.patchNamespace({ name: namespace, body: isolationReadyPatch(true) }, mergePatch);
      }, async ({ core, mergePatch }) => {
        await core.patchNamespace({ name: namespace, body: isolationReadyPatch(false) }, mergePatch);
      }),
    ];
  }

  async applyQuota(tenant: TenantTarget, quota: TenantQuota, changeId: string): Promise<void> {
    const { core, mergePatch } = await this.connection();
    try {
      await core.patchNamespacedResourceQuota(
        { namespace: namespaceName(tenant), name: RESOURCE_QUOTA_NAME, body: quotaPatch(quota, changeId) },
        mergePatch,
      );
    } catch (error) {
      this.logger.warn({ err: error, organizationId: tenant.organizationId }, 'applying quota failed');
      throw describe('resource-quota', error);
    }
  }

  private connection(): Promise<KubernetesApis> {
    this.apis ??= connect(this.settings.kubeconfigFile).catch((error: unknown) => {
      this.apis = null; // a broken kubeconfig may be fixed without a restart
      throw error;
    });
    return this.apis;
  }

  private step(
    name: string,
    apply: (apis: KubernetesApis) => Promise<void>,
    undo: (apis: KubernetesApis) => Promise<void>,
  ): ProvisioningStep {
    return {
      name,
      apply: async () => {
        try {
          await apply(await this.connection());
        } catch (error) {
          this.logger.warn({ err: error, step: name }, 'provisioning step failed');
          throw describe(name, error);
        }
      },
      undo: async () => {
        try {
          await undo(await this.connection());
        } catch (error) {
          if (statusCode(error) === 404) return; // already gone: the undo's goal holds
          this.logger.warn({ err: error, step: name }, 'undoing a provisioning step failed');
          throw describe(`undo ${name}`, error);
        }
      },
    };
  }
}
