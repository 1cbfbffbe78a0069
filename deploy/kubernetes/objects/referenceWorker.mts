import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { GATEWAY, SECRETS, imageFor, labelsFor, selectorFor } from '../naming.mjs';
import type { HubValues } from '../values.mjs';
import { CONTAINER_SECURITY, POD_SECURITY, plainEnv, secretEnv } from './container.mjs';

export const REFERENCE_WORKER = { name: 'reference-worker', image: 'agent' } as const;

/** The optional reference worker: the agent image's worker entry point, a client of the gateway like any external worker. */
export function referenceWorker(values: HubValues): Deployment {
  const labels = labelsFor(REFERENCE_WORKER.name, 'reference-worker', values);
  return new Deployment({
    metadata: { name: REFERENCE_WORKER.name, namespace: values.namespace, labels },
    spec: {
      replicas: values.referenceWorker.replicas,
      selector: { matchLabels: selectorFor(REFERENCE_WORKER.name, 'reference-worker') },
      template: {
        metadata: { labels },
        spec: {
          securityContext: POD_SECURITY,
          // It finishes the task in hand on SIGTERM (its steps are short).
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: REFERENCE_WORKER.name,
              image: imageFor(REFERENCE_WORKER.image, values),
              imagePullPolicy: values.image.pullPolicy,
              command: ['node', 'dist/worker/main.js'],
              env: [
                ...plainEnv({ NODE_ENV: 'production', GATEWAY_URL: `http://${GATEWAY.name}:${GATEWAY.port}/graphql` }),
                secretEnv('AGENT_CLIENT_ID', SECRETS.worker.name, SECRETS.worker.clientId),
                secretEnv('AGENT_CLIENT_SECRET', SECRETS.worker.name, SECRETS.worker.clientSecret),
              ],
              resources: values.referenceWorker.resources,
              securityContext: CONTAINER_SECURITY,
            },
          ],
        },
      },
    },
  });
}
