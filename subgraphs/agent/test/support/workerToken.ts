import { randomUUID } from 'node:crypto';
import { plattformConfigFromEnv, loadSigningKeys } from '@hub/plattform';
import { SignJWT } from 'jose';

/**
 * A worker access token as plattform will issue it for a service account (same claims as its
 * AccessTokenIssuer, scope `agent.worker`). plattform has no service-account endpoint yet, so the
 * test signs with plattform's own development key from the test DATA_DIR; the subgraph verifies
 * it through plattform's published JWKS like any other token.
 */
export async function workerToken(orgId: string, serviceAccountId: string = randomUUID(), scopes = ['agent.worker']): Promise<string> {
  const config = plattformConfigFromEnv();
  const keys = await loadSigningKeys({ privateKeyPem: config.signingKeyPem, devKeyFile: config.devKeyFile });
  return new SignJWT({ org: orgId, roles: ['service_account'], scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setSubject(serviceAccountId)
    .setJti(randomUUID())
    .setIssuer(config.tokens.issuer)
    .setAudience(config.tokens.audience)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(keys.privateKey);
}
