import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Meta fields that describe the schema: introspection, and federation's SDL field on a subgraph's Query. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const FEDERATION_SDL_FIELD = '_service';

const refuseIntrospection: ValidationRule = (context) => ({
  Field(node) {
    const name = node.name.value;
    const onQueryRoot = context.getParentType() === context.getSchema().getQueryType();
    if (INTROSPECTION_FIELDS.has(name) || (name === FEDERATION_SDL_FIELD && onQueryRoot)) {
      context.reportError(new GraphQLError('Introspection is disabled', { nodes: [node], extensions: { code: 'INTROSPECTION_DISABLED' } }));
    }
  },
});

/**
 * Production services do not describe their schema to strangers: `__schema`, `__type` and a
 * subgraph's `_service { sdl }` are refused. The gateway and the schema tooling may still ask a
 * subgraph (`exempt`: their requests carry the gateway's verified assertion).
 */
export function useIntrospectionGuard(exempt?: (request: Request | undefined) => boolean): Plugin {
  return {
    onValidate({ addValidationRule, context }) {
      if (exempt?.((context as { request?: Request }).request)) return;
      addValidationRule(refuseIntrospection);
    },
  };
}
