import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type JWK,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';

export const SIGNING_ALGORITHM = 'ES256';

export interface SigningKeys {
  kid: string;
  privateKey: KeyLike;
  /** The public JWKS served at `/.well-known/jwks.json`. */
  jwks: { keys: JWK[] };
  /** Resolves verification keys locally (plattform needs no HTTP call to itself). */
  verificationKeys: JWTVerifyGetKey;
}

export interface SigningKeySource {
  /** PKCS#8 PEM of an ES256 private key (JWT_PRIVATE_KEY or the file in JWT_PRIVATE_KEY_FILE). */
  privateKeyPem?: string;
  /** Where a generated development key is kept between restarts; used only without a PEM. */
  devKeyFile?: string;
  /**
   * Public keys of earlier signing keys (JWT_PREVIOUS_KEYS, a JWKS). They stay published so
   * tokens signed before a rotation verify until they expire; drop them after one token lifetime.
   */
  previousPublicKeys?: JWK[];
}

/** The public half of a key, as published in the JWKS (kid = RFC 7638 thumbprint). */
export async function publicJwkOf(jwk: JWK): Promise<JWK> {
  const { d: _secret, kid: _kid, alg: _alg, use: _use, key_ops: _ops, ext: _ext, ...publicJwk } = jwk;
  const kid = await calculateJwkThumbprint(publicJwk);
  return { ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}

async function fromPrivateJwk(privateJwk: JWK, previous: JWK[]): Promise<SigningKeys> {
  const published = await publicJwkOf(privateJwk);
  const kid = published.kid!;
  const privateKey = (await importJWK({ ...privateJwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM)) as KeyLike;
  const older = await Promise.all(previous.map(publicJwkOf));
  const jwks = { keys: [published, ...older.filter((key) => key.kid !== kid)] };
  return { kid, privateKey, jwks, verificationKeys: createLocalJWKSet(jwks) };
}

/** Parses JWT_PREVIOUS_KEYS: a JWKS (`{"keys": [...]}`) or a bare array of public JWKs. */
export function parsePreviousKeys(json: string | undefined): JWK[] {
  if (!json || json.trim() === '') return [];
  const parsed = JSON.parse(json) as unknown;
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new Error('JWT_PREVIOUS_KEYS must be a JWKS or an array of JWKs');
  for (const key of keys as JWK[]) {
    if (key.d) throw new Error('JWT_PREVIOUS_KEYS must hold public keys only');
  }
  return keys as JWK[];
}

async function generatedDevKey(file: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(jwk), { mode: 0o600 });
  return jwk;
}

/** Loads the token signing key: a configured PEM, else a development key generated once and kept on disk. */
export async function loadSigningKeys(source: SigningKeySource): Promise<SigningKeys> {
  if (source.privateKeyPem) {
    const key = await importPKCS8(source.privateKeyPem, SIGNING_ALGORITHM, { extractable: true });
    return fromPrivateJwk(await exportJWK(key), source.previousPublicKeys ?? []);
  }
  if (!source.devKeyFile) throw new Error('No signing key configured: set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE');
  return fromPrivateJwk(await generatedDevKey(source.devKeyFile), source.previousPublicKeys ?? []);
}
