import { BadUserInputError, isUuid } from '@hub/core';
import { RATING_MAX, RATING_MIN } from './hazards/riskLevel';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Input checks shared by the domain services; each failure names the field. */
export function requireText(field: string, value: string, max: number, min = 1): string {
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) {
    throw new BadUserInputError(`${field} must be ${min} to ${max} characters`, { field });
  }
  return trimmed;
}

export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : requireText(field, trimmed, max);
}

/** Ids in the API are UUIDs; anything else cannot exist, so it is bad input rather than a SQL error. */
export function requireId(field: string, value: string): string {
  if (!isUuid(value)) throw new BadUserInputError(`${field} is not a valid id`, { field });
  return value.toLowerCase();
}

export function isId(value: string): boolean {
  return isUuid(value);
}

export function requireRating(field: string, value: number): number {
  if (!Number.isInteger(value) || value < RATING_MIN || value > RATING_MAX) {
    throw new BadUserInputError(`${field} must be an integer from ${RATING_MIN} to ${RATING_MAX}`, { field });
  }
  return value;
}

export function optionalRating(field: string, value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : requireRating(field, value);
}

/** `YYYY-MM-DD` that is a real calendar day. */
export function requireDate(field: string, value: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new BadUserInputError(`${field} must be a date YYYY-MM-DD`, { field });
  }
  return value;
}
