import { BadUserInputError } from '@hub/core';

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` string that is a real calendar day, or BAD_USER_INPUT naming the field. */
export function requireLocalDate(value: string, field: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  const valid = LOCAL_DATE.test(value) && !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
  if (!valid) throw new BadUserInputError(`${field} must be a date YYYY-MM-DD`, { field });
  return value;
}
