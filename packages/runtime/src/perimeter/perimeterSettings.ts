import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { envBool, envOptional, envString } from '../config/env';
import { GATEWAY_JWKS_PATH } from './gatewayAssertion';
import type { GatewayKeySource } from './gatewayAssertionVerifier';

/**
 * Who may call a subgraph's GraphQL endpoint: only the gateway (requests carrying its signed
 * assertion), or, in development when explicitly asked for, anyone.
 */
export type PerimeterSettings = { mode: 'gateway-signed'; gatewayKey: GatewayKeySource } | { mode: 'open' };

/** Where a gateway on this machine publishes its key (dev default, like DEFAULT_JWKS_URL). */
export const DEFAULT_GATEWAY_JWKS_URL = `http://127.0.0.1:4000${GATEWAY_JWKS_PATH}`;

function pemFrom(variable: string): string | undefined {
  const inline = envOptional(variable);
  if (inline) return inline;
  const file = envOptional(`${variable}_FILE`);
  return file ? readFileSync(file, 'utf8') : undefined;
}

/**
 * SUBGRAPH_ALLOW_UNSIGNED=true (never with NODE_ENV=production) opens the endpoint; otherwise the
 * gateway's public key is GATEWAY_PUBLIC_KEY (SPKI PEM, or GATEWAY_PUBLIC_KEY_FILE), else the
 * JWKS the gateway publishes at GATEWAY_JWKS_URL.
 */
export function perimeterSettingsFromEnv(): PerimeterSettings {
  if (envBool('SUBGRAPH_ALLOW_UNSIGNED', false)) {
    if (envOptional('NODE_ENV') === 'production') {
      throw new Error('SUBGRAPH_ALLOW_UNSIGNED is for development only and cannot be combined with NODE_ENV=production');
    }
    return { mode: 'open' };
  }
  const publicKeyPem = pemFrom('GATEWAY_PUBLIC_KEY');
  if (publicKeyPem) return { mode: 'gateway-signed', gatewayKey: { publicKeyPem } };
  return { mode: 'gateway-signed', gatewayKey: { jwksUrl: envString('GATEWAY_JWKS_URL', DEFAULT_GATEWAY_JWKS_URL) } };
}

/** The gateway's private key (GATEWAY_SIGNING_KEY, PKCS#8 PEM, or GATEWAY_SIGNING_KEY_FILE); for the gateway and the schema tooling. */
export function gatewaySigningKeyPemFromEnv(): string | undefined {
  return pemFrom('GATEWAY_SIGNING_KEY');
}

/** HOST: the address subgraphs listen on; loopback unless the deployment says otherwise. */
export function subgraphHostFromEnv(): string {
  return envString('HOST', '127.0.0.1');
}

/**
 * For processes that start the gateway and subgraphs together (`npm start`, benches, tests): a
 * key pair for this run in GATEWAY_SIGNING_KEY / GATEWAY_PUBLIC_KEY, unless keys (or the open
 * development mode) are configured already. Child processes inherit it.
 */
export function provideGatewayKeyPairForThisRun(): void {
  if (envOptional('GATEWAY_SIGNING_KEY') || envOptional('GATEWAY_PUBLIC_KEY') || envBool('SUBGRAPH_ALLOW_UNSIGNED', false)) return;
  const pair = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  process.env.GATEWAY_SIGNING_KEY = pair.privateKey;
  process.env.GATEWAY_PUBLIC_KEY = pair.publicKey;
}
