import { GraphQLError, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

// graphql-js appends hints such as `Did you mean "email"?` or `Did you mean the enum value "DRAFT"?`;
// names cannot contain "?", so the hint ends at the first one.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * The error without graphql-js' "Did you mean …?" hint (which names schema fields, types and enum
 * values), also in the GraphQL errors it wraps: error masking may surface a wrapped one's message.
 */
export function withoutSuggestion<TError extends Error>(error: TError): TError | GraphQLError {
  if (!(error instanceof GraphQLError)) return error;
  const message = error.message.replace(SUGGESTION, '');
  const originalError = error.originalError ? withoutSuggestion(error.originalError) : undefined;
  if (message === error.message && originalError === error.originalError) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError,
    extensions: error.extensions,
  });
}

function withoutSuggestions(result: ExecutionResult, setResult: (result: ExecutionResult) => void): void {
  if (result.errors?.length) setResult({ ...result, errors: result.errors.map((error) => withoutSuggestion(error)) });
}

/**
 * Production services do not map their schema through error hints: suggestions are removed from
 * validation errors and from execution results (variable coercion names input fields too).
 */
export function useHiddenSchemaSuggestions(): Plugin {
  const onResult = (payload: Parameters<typeof handleStreamOrSingleExecutionResult>[0]) =>
    handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => withoutSuggestions(result, setResult));
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((error) => withoutSuggestion(error)));
      };
    },
    onExecute: () => ({ onExecuteDone: onResult }),
    onSubscribe: () => ({ onSubscribeResult: onResult }),
  };
}
