/**
 * Text PostgreSQL cannot store faithfully: a NUL character is refused by `text` and `jsonb`
 * (the driver error used to surface as INTERNAL), and a lone UTF-16 surrogate has no UTF-8 form
 * (it is silently replaced in `text` and refused in `jsonb`). Both are malformed input.
 */
export type UnsafeTextReason = 'NUL_CHARACTER' | 'LONE_SURROGATE';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unsafeTextReason(value: string): UnsafeTextReason | null {
  if (value.includes('\u0000')) return 'NUL_CHARACTER';
  if (LONE_SURROGATE.test(value)) return 'LONE_SURROGATE';
  return null;
}
