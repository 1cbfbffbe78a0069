import { createHash, createPrivateKey, createPublicKey, KeyObject, randomUUID, sign } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportSPKI, generateKeyPair, importPKCS8, type JWK, type KeyLike } from 'jose';

/** The header that carries the gateway's assertion on every call to a subgraph. */
export const GATEWAY_ASSERTION_HEADER = 'x-hub-gateway-assertion';
/** The same assertion in `connection_init` of a WebSocket (browsers' WebSocket API sets no headers). */
export const GATEWAY_ASSERTION_PARAM = 'gatewayAssertion';
export const GATEWAY_ASSERTION_ISSUER = 'urn:hub:gateway';
export const GATEWAY_ASSERTION_TYPE = 'hub-gateway+jwt';
/** An assertion is good for this long after it was made (the replay window), clock skew aside. */
export const GATEWAY_ASSERTION_LIFETIME_SECONDS = 30;
/** Where a gateway publishes the public half of its assertion key. */
export const GATEWAY_JWKS_PATH = '/.well-known/gateway-jwks.json';

/** What an assertion binds: the subgraph it is for, and the exact request. */
export interface AssertedRequest {
  /** The subgraph's name (`supergraph.yaml`), the assertion's `aud`. */
  audience: string;
  method: string;
  /** Path and query string, e.g. `/graphql`. */
  path: string;
  body: string | Uint8Array;
}

/** The gateway's private key (ES256), with the key id subgraphs look it up by. */
export interface GatewaySigningKey {
  privateKey: KeyObject;
  publicJwk: JWK;
  kid: string;
  /** The assertion's protected header, base64url-encoded once per key. */
  encodedHeader: string;
}

export function bodyDigest(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url');
}

/** jose hands out KeyObjects on Node; a WebCrypto key (other runtimes) is converted once. */
function nodeKey(key: KeyLike): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key as CryptoKey);
}

async function signingKeyOf(privateKey: KeyLike, publicKey: KeyLike): Promise<GatewaySigningKey> {
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const encodedHeader = Buffer.from(JSON.stringify({ alg: 'ES256', kid, typ: GATEWAY_ASSERTION_TYPE })).toString('base64url');
  return { privateKey: nodeKey(privateKey), publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' }, kid, encodedHeader };
}

/** Loads a configured key (PKCS#8 PEM, EC P-256). */
export async function gatewaySigningKeyFromPem(privateKeyPem: string): Promise<GatewaySigningKey> {
  const privateKey = await importPKCS8(privateKeyPem, 'ES256');
  const publicKey = createPublicKey(createPrivateKey(privateKeyPem));
  return signingKeyOf(privateKey, publicKey);
}

/** A fresh key pair; `publicKeyPem` is what subgraphs are given (GATEWAY_PUBLIC_KEY). */
export async function generateGatewaySigningKey(): Promise<GatewaySigningKey & { publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await signingKeyOf(privateKey, publicKey)), publicKeyPem: await exportSPKI(publicKey) };
}

/**
 * The header that proves a request comes from the gateway: a compact JWS (ES256, RFC 7515) over
 * method, path, body digest and time, for one subgraph, with a unique id. The gateway and the
 * schema tooling use this one function, so what they send is what the core kit checks (with jose).
 *
 * Signed with node:crypto directly and synchronously: the gateway signs every subgraph request,
 * and jose's asynchronous signing costs about 2.5× the signature itself (a thread-pool round trip
 * per call), which showed as the largest item in the gateway's CPU profile.
 */
export function gatewayAssertionHeader(key: GatewaySigningKey, request: AssertedRequest): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    htm: request.method.toUpperCase(),
    htu: request.path,
    bh: bodyDigest(request.body),
    iss: GATEWAY_ASSERTION_ISSUER,
    aud: request.audience,
    iat: now,
    exp: now + GATEWAY_ASSERTION_LIFETIME_SECONDS,
    jti: randomUUID(),
  };
  const signingInput = `${key.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  // JWS ES256 signatures are the raw r || s pair (RFC 7518 §3.4), not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return { [GATEWAY_ASSERTION_HEADER]: `${signingInput}.${signature.toString('base64url')}` };
}
