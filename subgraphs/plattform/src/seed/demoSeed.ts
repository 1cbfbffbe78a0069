import { ConflictError } from '@hub/core';
import type { PlattformServices } from '../services';

/** The demo tenant every fresh dev stack gets; the README shows this login. */
export const DEMO_ACCOUNT = {
  organizationName: 'ACME Corp',
  email: 'demo@acme.example',
  password: 'acme-demo-password',
  displayName: 'Demo User',
} as const;

/** Creates the demo tenant once; running it again leaves existing data alone. */
export async function seedDemoTenant(services: PlattformServices): Promise<'created' | 'existing'> {
  try {
    await services.accounts.signUp(DEMO_ACCOUNT);
    return 'created';
  } catch (error) {
    if (error instanceof ConflictError) return 'existing';
    throw error;
  }
}
