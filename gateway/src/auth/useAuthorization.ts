import { GraphQLError, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../gatewayContext';
import { scopesSatisfy, type AuthorizationRules } from './authorizationRules';

interface CheckedOperation {
  args: { schema: unknown; document: DocumentNode; contextValue: unknown };
  setResultAndStopExecution(result: { errors: GraphQLError[] }): void;
}

/**
 * Enforces @authenticated and @requiresScopes before anything is planned or sent to a subgraph:
 * an operation touching a field the caller may not see is refused as a whole (Apollo Router's
 * reject mode), naming the coordinates, with UNAUTHENTICATED or FORBIDDEN.
 */
export function useAuthorization(rulesFor: (schema: unknown) => AuthorizationRules | undefined): Plugin {
  // Subscriptions are checked exactly like queries, before anything is planned or subscribed upstream.
  const check = ({ args, setResultAndStopExecution }: CheckedOperation) => {
    const rules = rulesFor(args.schema);
    if (!rules || rules.isEmpty) return;
    const required = rules.requiredBy(args.document);
    if (required.length === 0) return;
    const identity = (args.contextValue as unknown as GatewayContext).identity;
    if (!identity) {
      setResultAndStopExecution({
        errors: [
          new GraphQLError('Authentication required', {
            extensions: { code: 'UNAUTHENTICATED', coordinates: required.map((entry) => entry.coordinate) },
          }),
        ],
      });
      return;
    }
    const granted = new Set(identity.scopes);
    const denied = required.filter((entry) => !scopesSatisfy(entry.requirement, granted));
    if (denied.length > 0) {
      // Named like a subgraph's own refusal ("Missing permission x"), so callers that log it see what is lacking.
      const missing = [...new Set(denied.flatMap((entry) => entry.requirement.scopeSets.flat(2)))].filter((scope) => !granted.has(scope));
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`Missing permission ${missing.join(', ')} for the requested fields`, {
            extensions: {
              code: 'FORBIDDEN',
              coordinates: denied.map((entry) => entry.coordinate),
              requiredScopes: denied.flatMap((entry) => entry.requirement.scopeSets),
            },
          }),
        ],
      });
    }
  };
  return { onExecute: check, onSubscribe: check };
}
