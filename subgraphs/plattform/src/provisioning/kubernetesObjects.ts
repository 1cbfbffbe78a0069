import { quotaQuantities, type TenantQuota } from '../quotas/tenantQuota';
import type { TenantSpec, TenantTarget } from './tenantProvisioner';

/** Annotation carrying the saga's operation id on every object it creates (idempotency, audit). */
export const OPERATION_ID_ANNOTATION = 'hub.plattform/operation-id';
/** Annotation carrying the id of the quota change a ResourceQuota was last set by. */
export const QUOTA_CHANGE_ANNOTATION = 'hub.plattform/quota-change-id';
export const ORGANIZATION_LABEL = 'hub.plattform/organization-id';
/** The namespace gate: cluster policy keeps pods out until this label is `true` (set last). */
export const ISOLATION_READY_LABEL = 'isolation-ready';

export const RESOURCE_QUOTA_NAME = 'tenant-quota';
export const NETWORK_POLICY_NAME = 'default-deny';
export const OWNER_ROLE_BINDING_NAME = 'tenant-owner';

export function namespaceName(tenant: TenantTarget): string {
  return `org-${tenant.slug}`;
}

function metadata(tenant: TenantSpec, name: string, namespaced: boolean) {
  return {
    name,
    ...(namespaced ? { namespace: namespaceName(tenant) } : {}),
    labels: { [ORGANIZATION_LABEL]: tenant.organizationId },
    annotations: { [OPERATION_ID_ANNOTATION]: tenant.operationId },
  };
}

export function namespaceManifest(tenant: TenantSpec) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: metadata(tenant, namespaceName(tenant), false) };
}

/** `hard` limits of the tenant's ResourceQuota: requests and limits for compute, requests for storage. */
export function quotaHard(quota: TenantQuota): Record<string, string> {
  const { cpu, memory, storage } = quotaQuantities(quota);
  return {
    'requests.cpu': cpu,
    'limits.cpu': cpu,
    'requests.memory': memory,
    'limits.memory': memory,
    'requests.storage': storage,
  };
}

export function resourceQuotaManifest(tenant: TenantSpec) {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: metadata(tenant, RESOURCE_QUOTA_NAME, true),
    spec: { hard: quotaHard(tenant.quota) },
  };
}

/** Selects every pod and allows nothing: no ingress and no egress until the tenant adds rules. */
export function defaultDenyNetworkPolicyManifest(tenant: TenantSpec) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(tenant, NETWORK_POLICY_NAME, true),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

export function ownerRoleBindingManifest(tenant: TenantSpec, clusterRole: string, userName: string) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: metadata(tenant, OWNER_ROLE_BINDING_NAME, true),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: userName }],
  };
}

/** JSON merge patch (RFC 7386) opening the namespace gate; `null` removes the label again. */
export function isolationReadyPatch(ready: boolean) {
  return { metadata: { labels: { [ISOLATION_READY_LABEL]: ready ? 'true' : null } } };
}

/** JSON merge patch replacing a ResourceQuota's limits, stamped with the quota change id. */
export function quotaPatch(quota: TenantQuota, changeId: string) {
  return { metadata: { annotations: { [QUOTA_CHANGE_ANNOTATION]: changeId } }, spec: { hard: quotaHard(quota) } };
}
