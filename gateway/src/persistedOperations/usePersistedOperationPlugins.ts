import { useAPQ } from '@graphql-yoga/plugin-apq';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import type { OperationManifest } from './operationManifest';

/**
 * Safelist mode when a manifest is given: only operations whose hash is listed run, a raw query
 * is refused (PERSISTED_QUERY_ONLY), an unknown hash is PERSISTED_QUERY_NOT_FOUND. Otherwise
 * optional automatic persisted queries (clients register documents by hash).
 */
export function persistedOperationPlugins(options: { manifest?: OperationManifest; automatic: boolean }): Plugin[] {
  const { manifest } = options;
  if (manifest) {
    return [
      usePersistedOperations({
        allowArbitraryOperations: false,
        getPersistedOperation: (hash) => manifest.operations[hash] ?? null,
        customErrors: {
          notFound: { message: 'Persisted operation not found', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
          persistedQueryOnly: {
            message: 'Only persisted operations are accepted',
            extensions: { code: 'PERSISTED_QUERY_ONLY' },
          },
          keyNotFound: { message: 'A persisted operation hash is required', extensions: { code: 'PERSISTED_QUERY_ONLY' } },
        },
      }) as Plugin,
    ];
  }
  return options.automatic ? [useAPQ() as unknown as Plugin] : [];
}
