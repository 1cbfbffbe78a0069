import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { REVOCATIONS_PATH } from '@hub/core';

export interface BenchTokenKeys {
  kid: string;
  /** PKCS#8 PEM, handed to the subscriber processes so each signs its own users' tokens. */
  privateKeyPem: string;
  /** Where the gateway and the subgraphs fetch the public key (JWKS_URL). */
  jwksUrl: string;
  close(): Promise<void>;
}

/**
 * The bench's own token issuer: one ES256 key, its public half served as a JWKS on loopback, as
 * plattform publishes its keys. Gateway and subgraphs verify every token against it.
 */
export async function startBenchTokenKeys(): Promise<BenchTokenKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'bench-subscriptions';
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
  const server: Server = createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    // As plattform's record of revocations: the bench revokes nothing, and no plattform holds the
    // Redis denylist's completeness lease, so readers ask here (docs/security.md, "Token revocation").
    else if (request.url === REVOCATIONS_PATH) response.writeHead(200, { 'content-type': 'application/json' }).end('{"revoked":[]}');
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    kid,
    privateKeyPem: await exportPKCS8(privateKey),
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
