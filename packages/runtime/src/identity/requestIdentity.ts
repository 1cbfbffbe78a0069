import { createGraphQLError } from 'graphql-yoga';
import { UnauthenticatedError } from '../errors/domainErrors';
import type { Identity } from './identity';
import { bearerToken, type TokenVerifier } from './tokenVerifier';

/**
 * The caller's identity from the `Authorization` header: null when absent (anonymous), and an
 * HTTP 401 GraphQL error with code UNAUTHENTICATED when a token is present but not acceptable.
 */
export async function identityFromRequest(request: Request, verifyToken: TokenVerifier): Promise<Identity | null> {
  try {
    const token = bearerToken(request.headers.get('authorization'));
    return token ? await verifyToken(token) : null;
  } catch (error) {
    if (error instanceof UnauthenticatedError) {
      throw createGraphQLError(error.message, { extensions: { ...error.details, code: error.code, http: { status: 401 } } });
    }
    throw error;
  }
}
