import { BadUserInputError } from '@hub/core';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_EMAIL = 254;

/** An email address as stored (trimmed, lower-cased); BAD_USER_INPUT on `field` when it is not one. */
export function normalizeEmail(email: string, field = 'email'): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL.test(normalized) || normalized.length > MAX_EMAIL) {
    throw new BadUserInputError(`${field} is not a valid address`, { field });
  }
  return normalized;
}
