import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { HashingSlots } from './hashingSlots';

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const KEY_LENGTH = 32;

/** scrypt's cost parameters (N: CPU and memory, a power of two; r: block size; p: parallelism). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** The cost of new hashes unless configured otherwise: about 60 ms of one core and 16 MiB per hash. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };

/**
 * The cost of new hashes for N (PASSWORD_SCRYPT_N, docs/configuration.md). A cheaper N is refused in
 * production: it would weaken every password set from then on. Tests lower it, as they check
 * what happens around a hash, not its strength.
 */
export function scryptCostFor(n: number, production: boolean): ScryptCost {
  if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0 || n > 2 ** 20) {
    throw new Error(`PASSWORD_SCRYPT_N must be a power of two up to 1048576, got ${n}`);
  }
  if (production && n < DEFAULT_SCRYPT_COST.N) {
    throw new Error(`PASSWORD_SCRYPT_N below ${DEFAULT_SCRYPT_COST.N} is refused with NODE_ENV=production, got ${n}`);
  }
  return { ...DEFAULT_SCRYPT_COST, N: n };
}

export interface PasswordHasherOptions {
  /** scrypt cost of new hashes (default DEFAULT_SCRYPT_COST). */
  cost?: ScryptCost;
  /** Bounds how many hashes run at once (plattform); absent → unbounded. */
  slots?: HashingSlots;
}

/**
 * scrypt password hashes (`scrypt$N$r$p$salt$hash`, base64). The parameters live in the hash,
 * so they can be raised later without invalidating stored passwords.
 */
export class PasswordHasher {
  private readonly dummyHash: Promise<string>;
  private readonly cost: ScryptCost;

  constructor(private readonly options: PasswordHasherOptions = {}) {
    this.cost = options.cost ?? DEFAULT_SCRYPT_COST;
    // Verifying unknown emails against a real hash keeps login timing the same for both cases.
    this.dummyHash = this.hash(randomBytes(16).toString('hex'));
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const { N, r, p } = this.cost;
    const key = await this.scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: 64 * 1024 * 1024 });
    return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string | null): Promise<boolean> {
    const encoded = stored ?? (await this.dummyHash);
    const [scheme, n, r, p, salt, hash] = encoded.split('$');
    if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = await this.scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: 64 * 1024 * 1024,
    });
    return timingSafeEqual(actual, expected) && stored !== null;
  }

  private scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
    const { slots } = this.options;
    return slots ? slots.run(() => scrypt(password, salt, keyLength, options)) : scrypt(password, salt, keyLength, options);
  }
}
