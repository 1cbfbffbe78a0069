import { personScope, UnauthenticatedError, type DemoTenant } from '@hub/core';
import { ROLE_PERMISSIONS } from '../identity/roles';
import type { RunningPlattform } from '../plattformSubgraph';
import type { ServiceAccountActor } from '../serviceAccounts/serviceAccountService';

/** The service account the dev stack's reference worker runs as, in the demo tenant. */
export const DEMO_WORKER_ACCOUNT = {
  name: 'demo-reference-worker',
  description: 'The reference worker started by npm start',
  // The worker protocol plus reading what it reviews.
  scopes: ['agent.worker', 'risk.assessment.read', 'trading.portfolio.read'],
} as const;

export interface DemoCredential {
  clientId: string;
  clientSecret: string;
}

export type DemoServiceAccountSeed =
  | { status: 'created' | 'existing' | 'new secret'; credential: DemoCredential }
  /** Someone revoked it on purpose: the demo respects that and runs no worker. */
  | { status: 'revoked'; credential: null };

/**
 * Creates the demo worker's service account once, as the demo tenant's owner. The secret exists
 * only at creation, so the caller keeps it (`known`, e.g. in a file of the data directory); when
 * the kept secret no longer works (lost file, wiped keys) a new one is issued.
 */
export async function seedDemoServiceAccount(
  plattform: RunningPlattform,
  tenant: DemoTenant,
  known: DemoCredential | null,
): Promise<DemoServiceAccountSeed> {
  const { serviceAccounts, sessions } = plattform.services;
  const scope = personScope(tenant.orgId, tenant.userId);
  const owner: ServiceAccountActor = {
    userId: tenant.userId,
    principal: { kind: 'USER', id: tenant.userId },
    orgId: tenant.orgId,
    roles: ['owner'],
    scopes: ROLE_PERMISSIONS.owner,
  };

  const existing = await plattform.database.run(scope, async (unit) =>
    (await serviceAccounts.list(unit)).find((account) => account.name === DEMO_WORKER_ACCOUNT.name),
  );
  if (!existing) {
    const created = await plattform.database.run(scope, (unit) => serviceAccounts.create(unit, owner, DEMO_WORKER_ACCOUNT));
    return { status: 'created', credential: { clientId: created.clientId, clientSecret: created.clientSecret } };
  }
  if (existing.status === 'REVOKED') return { status: 'revoked', credential: null };
  if (known?.clientId === existing.id && (await stillValid(plattform, known))) return { status: 'existing', credential: known };
  const { credential, revoked } = await plattform.database.run(scope, (unit) => serviceAccounts.rotateSecret(unit, owner, existing.id));
  await sessions.publishRevocations(revoked);
  return { status: 'new secret', credential: { clientId: credential.clientId, clientSecret: credential.clientSecret } };
}

async function stillValid(plattform: RunningPlattform, credential: DemoCredential): Promise<boolean> {
  try {
    await plattform.services.serviceAccounts.issueToken(credential.clientId, credential.clientSecret);
    return true;
  } catch (error) {
    if (error instanceof UnauthenticatedError) return false;
    throw error;
  }
}
