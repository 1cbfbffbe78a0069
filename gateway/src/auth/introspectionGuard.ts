import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const refuseIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(
        new GraphQLError('Introspection is disabled', { nodes: [node], extensions: { code: 'INTROSPECTION_DISABLED' } }),
      );
    }
  },
});

/** Production gateways do not describe their schema to strangers. */
export function useIntrospectionGuard(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(refuseIntrospection);
    },
  };
}
