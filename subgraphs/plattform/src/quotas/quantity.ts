import { BadUserInputError } from '@hub/core';

/**
 * Kubernetes resource quantities (`500m`, `10`, `20Gi`), the way quotas are written in the API,
 * converted to exact integers (millicores, bytes) so history rows can be summed for billing.
 * Exponent notation (`1e3`) is refused: nobody writes quotas that way and it invites ambiguity.
 */
const QUANTITY = /^(\d{1,15})(?:\.(\d{1,9}))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const MULTIPLIERS: Readonly<Record<string, bigint>> = {
  m: 1n, // handled as a thousandth below
  '': 1_000n,
  k: 1_000n ** 2n,
  M: 1_000n ** 3n,
  G: 1_000n ** 4n,
  T: 1_000n ** 5n,
  P: 1_000n ** 6n,
  E: 1_000n ** 7n,
  Ki: 1_000n * 1024n,
  Mi: 1_000n * 1024n ** 2n,
  Gi: 1_000n * 1024n ** 3n,
  Ti: 1_000n * 1024n ** 4n,
  Pi: 1_000n * 1024n ** 5n,
  Ei: 1_000n * 1024n ** 6n,
};

/** The quantity in thousandths of its unit, or null when it is not a plain Kubernetes quantity. */
function toThousandths(text: string): bigint | null {
  const match = QUANTITY.exec(text.trim());
  if (!match) return null;
  const [, whole = '0', fraction = '', suffix = ''] = match;
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(whole) * scale + BigInt(fraction || '0');
  const product = scaled * (MULTIPLIERS[suffix] ?? 0n);
  return product % scale === 0n ? product / scale : null;
}

function bounded(field: string, value: bigint | null, unit: bigint, min: bigint, max: bigint, example: string): number {
  if (value === null || value % unit !== 0n) {
    throw new BadUserInputError(`${field} must be a Kubernetes quantity such as ${example}`, { field });
  }
  const amount = value / unit;
  if (amount < min || amount > max) {
    throw new BadUserInputError(`${field} is outside the allowed range`, { field });
  }
  return Number(amount);
}

/** Upper bounds keep every amount an exact JavaScript number and catch typos (10Ei for 10Gi). */
const MAX_MILLICORES = 10_000_000n; // 10,000 cores
const MAX_BYTES = 2n ** 52n; // 4 PiB

export function parseCpuMillicores(text: string, field = 'cpu'): number {
  // For CPU, the thousandths of a core are millicores.
  return bounded(field, toThousandths(text), 1n, 1n, MAX_MILLICORES, '10 or 500m');
}

export function parseBytes(text: string, field: string): number {
  // Thousandths of a byte must come out whole: `m` or fractional bytes are refused.
  return bounded(field, toThousandths(text), 1_000n, 1n, MAX_BYTES, '20Gi');
}

export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

const BINARY_SUFFIXES = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const;

/** The shortest exact binary-suffixed form (`21474836480` → `20Gi`). */
export function formatBytes(bytes: number): string {
  for (const [index, suffix] of BINARY_SUFFIXES.entries()) {
    const unit = 1024 ** (BINARY_SUFFIXES.length - index);
    if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}
