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
 * Which entry of a batch assertion a request is (decimal index into `rd`); absent means 0, so a
 * single request is a batch of one and carries only the assertion.
 */
export const GATEWAY_ASSERTION_ENTRY_HEADER = 'x-hub-gateway-assertion-entry';
/** At most this many requests share one assertion: keeps the header a few KB (about 46 bytes per entry). */
export const GATEWAY_ASSERTION_MAX_ENTRIES = 32;

/**
 * One request's digest in a batch assertion (`rd`): its subgraph, method, path and body digest,
 * so each entry binds exactly one request to exactly one subgraph.
 */
export function requestDigest(request: AssertedRequest): string {
  const canonical = `${request.audience}\n${request.method.toUpperCase()}\n${request.path}\n${bodyDigest(request.body)}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The proof that requests come from the gateway: one compact JWS (ES256, RFC 7515) over all
 * requests that go out together. `aud` lists their distinct subgraphs, `rd` holds one digest per
 * request (requestDigest), with time and a unique id; each request carries the JWS and its index
 * (gatewayAssertionHeaders). The gateway and the schema tooling use these functions, so what they
 * send is what the core kit checks (with jose).
 *
 * Signed with node:crypto directly and synchronously: jose's asynchronous signing costs about 2.5×
 * the signature itself (a thread-pool round trip per call). One signature per batch rather than
 * per request: the signature was the largest item in the gateway's CPU profile.
 */
export function signGatewayAssertion(key: GatewaySigningKey, requests: readonly AssertedRequest[]): string {
  if (requests.length === 0 || requests.length > GATEWAY_ASSERTION_MAX_ENTRIES) {
    throw new RangeError(`A gateway assertion covers 1 to ${GATEWAY_ASSERTION_MAX_ENTRIES} requests, not ${requests.length}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: GATEWAY_ASSERTION_ISSUER,
    aud: [...new Set(requests.map((request) => request.audience))],
    iat: now,
    exp: now + GATEWAY_ASSERTION_LIFETIME_SECONDS,
    jti: randomUUID(),
    rd: requests.map(requestDigest),
  };
  const signingInput = `${key.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  // JWS ES256 signatures are the raw r || s pair (RFC 7518 §3.4), not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** The headers of each request of a batch, in order: the shared assertion and the request's entry. */
export function gatewayAssertionHeaders(key: GatewaySigningKey, requests: readonly AssertedRequest[]): Array<Record<string, string>> {
  const assertion = signGatewayAssertion(key, requests);
  return requests.map((_, index) => ({ [GATEWAY_ASSERTION_HEADER]: assertion, [GATEWAY_ASSERTION_ENTRY_HEADER]: String(index) }));
}

/** A batch of one: the headers for a single request (tools, tests, the registry). */
export function gatewayAssertionHeader(key: GatewaySigningKey, request: AssertedRequest): Record<string, string> {
  return { [GATEWAY_ASSERTION_HEADER]: signGatewayAssertion(key, [request]) };
}
