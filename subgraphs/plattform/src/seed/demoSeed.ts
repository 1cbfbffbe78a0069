import { ConflictError, type DemoTenant } from '@hub/core';
import type { PlattformServices } from '../services';

/** The demo tenant every fresh dev stack gets; README.md shows this login. */
export const DEMO_ACCOUNT = {
  organizationName: 'ACME Corp',
  email: 'demo@acme.example',
  password: 'acme-demo-password',
  displayName: 'Demo User',
} as const;

export interface DemoSeedResult {
  status: 'created' | 'existing';
  /** Other subgraphs seed their demo data into this tenant. */
  tenant: DemoTenant;
  /** A token of the demo user, for seeds that go through a service as that user. */
  accessToken: string;
}

/** Creates the demo tenant once; running it again leaves existing data alone. */
export async function seedDemoTenant(services: PlattformServices): Promise<DemoSeedResult> {
  try {
    const created = await services.signUps.signUp(DEMO_ACCOUNT);
    return {
      status: 'created',
      tenant: { orgId: created.organization.id, userId: created.user.id },
      accessToken: created.session.access.token,
    };
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const existing = await services.accounts.login(DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
    return {
      status: 'existing',
      tenant: { orgId: existing.organization.id, userId: existing.user.id },
      accessToken: existing.session.access.token,
    };
  }
}
