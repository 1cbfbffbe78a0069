/**
 * Typed errors that domain services throw. They carry no GraphQL: the transport maps them to
 * GraphQL errors with a stable `extensions.code` in one place (see toGraphQLError.ts).
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'RESUME_POINT_EXPIRED'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  constructor(
    message: string,
    /** Safe, client-visible details (field names, limits). Never secrets or SQL. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

export class BadUserInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/**
 * Infrastructure outside the service (a cluster API, a provider) refused or could not do the
 * work. Nothing the caller asked for was kept, and the same request may succeed later; unlike
 * INTERNAL this is an expected outcome with a message meant for the caller.
 */
export class UnavailableError extends DomainError {
  readonly code = 'UNAVAILABLE';
}

/**
 * A subscription asked to resume from a point the event log no longer holds (older than the
 * retention window, or unknown to it): the client must refetch current state, then subscribe anew.
 */
export class ResumePointExpiredError extends DomainError {
  readonly code = 'RESUME_POINT_EXPIRED';
}

/**
 * The caller made too many attempts of this kind (e.g. sign-ins for one account); details carry
 * `retryAfter` (seconds) and what was limited.
 */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
}
