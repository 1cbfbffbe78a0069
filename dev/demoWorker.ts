import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DemoTenant, Logger } from '@hub/core';
import { seedDemoServiceAccount, type DemoCredential, type RunningPlattform } from '@hub/plattform';
import { GatewayClient } from '@hub/agent/worker/gatewayClient';
import { PERFORMERS } from '@hub/agent/worker/performers';
import { ReferenceWorker } from '@hub/agent/worker/referenceWorker';
import { ServiceTokenSource } from '@hub/agent/worker/serviceTokenSource';

export interface DemoWorker {
  stop(): Promise<void>;
}

export interface DemoWorkerOptions {
  plattform: RunningPlattform;
  tenant: DemoTenant;
  gatewayUrl: string;
  /** Where the demo worker's client credential is kept between starts (inside DATA_DIR, mode 0600). */
  credentialFile: string;
  /** Pause after each progress step, so the demo's tasks visibly progress. */
  stepDelayMs: number;
  logger: Logger;
}

/** How long shutdown waits for the task in hand (it finishes without demo pauses, normally in ms). */
const STOP_TIMEOUT_MS = 5000;

async function readCredential(file: string): Promise<DemoCredential | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<DemoCredential>;
    return typeof parsed.clientId === 'string' && typeof parsed.clientSecret === 'string'
      ? { clientId: parsed.clientId, clientSecret: parsed.clientSecret }
      : null;
  } catch {
    // Missing or unreadable: a new secret is issued and written.
    return null;
  }
}

async function writeCredential(file: string, credential: DemoCredential): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(credential), { mode: 0o600 });
  await chmod(file, 0o600);
}

/**
 * The reference worker of the dev stack: runs in the stack's process as the demo tenant's
 * service account and authenticates exactly like an external worker, by exchanging the
 * account's client credential at the gateway. Returns null when the account was revoked.
 */
export async function startDemoWorker(options: DemoWorkerOptions): Promise<DemoWorker | null> {
  const { logger } = options;
  const known = await readCredential(options.credentialFile);
  const seeded = await seedDemoServiceAccount(options.plattform, options.tenant, known);
  if (!seeded.credential) {
    logger.warn('demo worker service account is revoked; the reference worker is not started');
    return null;
  }
  if (seeded.status !== 'existing') await writeCredential(options.credentialFile, seeded.credential);
  logger.info({ clientId: seeded.credential.clientId, status: seeded.status }, 'demo worker service account ready');

  const worker = new ReferenceWorker({
    gateway: new GatewayClient(options.gatewayUrl, new ServiceTokenSource(options.gatewayUrl, seeded.credential)),
    name: 'demo-reference-worker',
    performers: PERFORMERS,
    stepDelayMs: options.stepDelayMs,
    // Gateway trouble is logged by the loop and retried; the stack keeps running either way.
    log: (line, fields) => logger.info(fields ?? {}, line),
  });
  worker.start();
  return {
    stop: async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn('reference worker did not stop in time; its lease will expire and the task is queued again');
          resolve();
        }, STOP_TIMEOUT_MS);
      });
      await Promise.race([worker.stop(), timeout]);
      clearTimeout(timer);
    },
  };
}
