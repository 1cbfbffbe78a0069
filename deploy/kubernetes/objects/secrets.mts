import { Secret } from 'kubernetes-models/v1/Secret';
import { SECRETS } from '../naming.mjs';
import type { HubValues } from '../values.mjs';

/** The database URL without credentials: serving pods connect as their own role (DB_APP_PASSWORD). */
export function databaseLocation(adminUrl: string): string {
  const url = new URL(adminUrl);
  url.username = '';
  url.password = '';
  return url.toString();
}

/** The JWT signing key, the database and Redis URLs (and the worker's credential when it runs). */
export function secrets(values: HubValues): Secret[] {
  const metadata = (name: string) => ({ name, namespace: values.namespace });
  const result = [
    new Secret({ metadata: metadata(SECRETS.jwt.name), type: 'Opaque', stringData: { [SECRETS.jwt.privateKey]: values.jwt.privateKey } }),
    new Secret({
      metadata: metadata(SECRETS.database.name),
      type: 'Opaque',
      stringData: {
        [SECRETS.database.adminUrl]: values.database.adminUrl,
        [SECRETS.database.locationUrl]: databaseLocation(values.database.adminUrl),
        [SECRETS.database.appPassword]: values.database.appPassword,
      },
    }),
    new Secret({ metadata: metadata(SECRETS.redis.name), type: 'Opaque', stringData: { [SECRETS.redis.url]: values.redis.url } }),
  ];
  if (values.referenceWorker.enabled) {
    result.push(
      new Secret({
        metadata: metadata(SECRETS.worker.name),
        type: 'Opaque',
        stringData: { [SECRETS.worker.clientId]: values.referenceWorker.clientId, [SECRETS.worker.clientSecret]: values.referenceWorker.clientSecret },
      }),
    );
  }
  return result;
}
