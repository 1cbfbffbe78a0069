import { createHash, randomBytes } from 'node:crypto';
import { BadUserInputError } from '@hub/core';

const MAX_CODE_LENGTH = 200;

/** A new one-time invitation code: 192 random bits, shown once to the inviter. */
export function newInvitationCode(): string {
  return `inv_${randomBytes(24).toString('base64url')}`;
}

/**
 * The stored form of a code. SHA-256 (not a slow password hash) suffices: the code is random and
 * long, so there is nothing to guess from the hash.
 */
export function hashInvitationCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** A presented code, trimmed; BAD_USER_INPUT when empty or absurdly long. */
export function presentedCode(code: string): string {
  const trimmed = code.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_CODE_LENGTH) {
    throw new BadUserInputError(`code must be 1 to ${MAX_CODE_LENGTH} characters`, { field: 'code' });
  }
  return trimmed;
}
