import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Serves whatever supergraph is current when an operation starts. Unlike yoga's schema factory
 * (which needs yoga's HTTP request parsing), this also works for WebSocket operations, which enter
 * through `getEnveloped` directly.
 */
export function useCurrentSupergraph(current: () => GraphQLSchema): Plugin {
  return {
    onPluginInit({ setSchema }) {
      setSchema(current());
    },
    onEnveloped({ setSchema }) {
      setSchema(current());
    },
  };
}
