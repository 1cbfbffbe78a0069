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
}

async function fromPrivateJwk(privateJwk: JWK): Promise<SigningKeys> {
  const { d: _secret, ...publicJwk } = privateJwk;
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateKey = (await importJWK({ ...privateJwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM)) as KeyLike;
  const published: JWK = { ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  const jwks = { keys: [published] };
  return { kid, privateKey, jwks, verificationKeys: createLocalJWKSet(jwks) };
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
    return fromPrivateJwk(await exportJWK(key));
  }
  if (!source.devKeyFile) throw new Error('No signing key configured: set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE');
  return fromPrivateJwk(await generatedDevKey(source.devKeyFile));
}
