import { GraphQLError } from 'graphql';
import type { Logger } from '../logging/logger';
import { isDatabaseUnavailable, isInvalidValue, isUniqueViolation } from './databaseFaults';
import { DomainError } from './domainErrors';

function rootCause(error: unknown): unknown {
  let current = error;
  // Only real Error causes are unwrapped: the gateway receives subgraph errors as GraphQL errors
  // whose `originalError` is plain JSON, and those already carry a safe message and code.
  while (current instanceof GraphQLError && current.originalError instanceof Error) current = current.originalError;
  return current;
}

/**
 * The one place where errors become client-visible. Typed domain errors keep their message and
 * code; GraphQL errors raised by the engine (parse, validation) pass through; a database that
 * cannot be reached is UNAVAILABLE (retry later), a value the database refuses is BAD_USER_INPUT;
 * anything else is logged server-side and masked as INTERNAL. No stack trace, SQL or driver text leaks.
 */
export function toGraphQLError(error: unknown, logger: Logger): GraphQLError {
  const cause = rootCause(error);
  const located = error instanceof GraphQLError ? error : undefined;
  const location = { nodes: located?.nodes, path: located?.path };

  if (cause instanceof DomainError) {
    return new GraphQLError(cause.message, { ...location, extensions: { ...cause.details, code: cause.code } });
  }
  if (cause instanceof GraphQLError) {
    // Raised by graphql-js or a plugin with its own code; masking would hide useful, safe text.
    return cause === error ? cause : new GraphQLError(cause.message, { ...location, extensions: cause.extensions });
  }
  if (isUniqueViolation(cause)) {
    return new GraphQLError('A record with the same unique value already exists', {
      ...location,
      extensions: { code: 'CONFLICT' },
    });
  }
  if (isDatabaseUnavailable(cause)) {
    logger.warn({ err: cause, path: located?.path }, 'database unavailable while resolving');
    return new GraphQLError('The service is temporarily unavailable; try again shortly', {
      ...location,
      extensions: { code: 'UNAVAILABLE' },
    });
  }
  if (isInvalidValue(cause)) {
    logger.warn({ err: cause, path: located?.path }, 'database refused a value while resolving');
    return new GraphQLError('A value in the input is not valid', { ...location, extensions: { code: 'BAD_USER_INPUT' } });
  }
  logger.error({ err: cause, path: located?.path }, 'unexpected error while resolving');
  return new GraphQLError('Internal server error', { ...location, extensions: { code: 'INTERNAL' } });
}
