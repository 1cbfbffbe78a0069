import { toGraphQLError, type Logger } from '@hub/runtime';
import { GraphQLError } from 'graphql';

/** Extension keys that may carry internals (stack traces, SQL, exception objects) from anywhere. */
// (yoga's own `originalError` extension is left alone: it decides the HTTP status and is not serialized.)
const INTERNAL_EXTENSIONS = new Set(['exception', 'stacktrace', 'stack', 'query', 'sql']);

/**
 * Client-visible errors: core's mapping (typed errors keep their code; anything unexpected becomes
 * INTERNAL), then subgraph errors are stripped of internal extensions but keep `code`.
 */
export function maskGatewayError(error: unknown, logger: Logger): GraphQLError {
  const mapped = toGraphQLError(error, logger);
  const extensions = mapped.extensions ?? {};
  if (!Object.keys(extensions).some((key) => INTERNAL_EXTENSIONS.has(key))) return mapped;
  const safe = Object.fromEntries(Object.entries(extensions).filter(([key]) => !INTERNAL_EXTENSIONS.has(key)));
  return new GraphQLError(mapped.message, { nodes: mapped.nodes, path: mapped.path, extensions: safe });
}
