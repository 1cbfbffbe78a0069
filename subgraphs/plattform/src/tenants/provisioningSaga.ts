import { ProvisioningError, type ProvisioningStep } from '../provisioning/tenantProvisioner';
import type { StepOutcome } from './organizationStatus';

/** Where the saga writes down each step's outcome (durably, before it moves on). */
export type StepJournal = (step: string, outcome: StepOutcome, detail?: string) => Promise<void>;

export type SagaResult =
  | { ok: true; applied: ProvisioningStep[] }
  | { ok: false; failedStep: string; reason: string; compensated: boolean };

function safeMessage(error: unknown): string {
  return error instanceof ProvisioningError ? error.message : 'unexpected error';
}

/** On the failure path a journal that cannot be written must not stop the compensation. */
function bestEffort(journal: StepJournal): StepJournal {
  return (step, outcome, detail) => journal(step, outcome, detail).catch(() => undefined);
}

/** Undoes applied steps in reverse order; keeps going past a failed undo. True when all undos held. */
export async function compensate(applied: readonly ProvisioningStep[], journal: StepJournal): Promise<boolean> {
  const record = bestEffort(journal);
  let complete = true;
  for (const step of [...applied].reverse()) {
    try {
      await step.undo();
      await record(step.name, 'UNDONE');
    } catch (error) {
      complete = false;
      await record(step.name, 'UNDO_FAILED', safeMessage(error));
    }
  }
  return complete;
}

/**
 * Applies the steps in order. On the first failure the steps applied so far are undone in
 * reverse (compensation) and the failure is reported; the caller marks the organization FAILED.
 */
export async function runProvisioningSaga(steps: readonly ProvisioningStep[], journal: StepJournal): Promise<SagaResult> {
  const applied: ProvisioningStep[] = [];
  for (const step of steps) {
    try {
      await step.apply();
      applied.push(step);
      await journal(step.name, 'APPLIED');
    } catch (error) {
      const reason = safeMessage(error);
      // A step whose journal line failed was applied: it is in `applied` and gets undone too.
      if (applied.at(-1) !== step) await bestEffort(journal)(step.name, 'FAILED', reason);
      const compensated = await compensate(applied, journal);
      return { ok: false, failedStep: step.name, reason, compensated };
    }
  }
  return { ok: true, applied };
}
