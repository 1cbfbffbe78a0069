import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useEffect, useRef, useState } from 'react';
import { useServices } from '../app/dashboardServices';
import { subscribeResumable } from './resumableSubscription';

export interface LiveSubscriptionOptions<TData> {
  onEvent(data: TData, position: string | null): void;
  /** The resume point expired: the panel reloads its snapshot. */
  onGap?(): void;
  /** Skips subscribing (e.g. nothing selected yet). */
  paused?: boolean;
}

/**
 * Subscribes while mounted (again when the variables or the organization change) over the page's
 * one WebSocket; see subscribeResumable for how drops are survived. Returns the last error, if the
 * subscription ended for good.
 */
export function useLiveSubscription<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: LiveSubscriptionOptions<TData>,
): string | null {
  const { live, session } = useServices();
  const [error, setError] = useState<string | null>(null);
  const handlers = useRef(options);
  handlers.current = options;
  const organizationId = session.current?.organization.id ?? null;
  const variablesKey = JSON.stringify(variables);

  useEffect(() => {
    if (options.paused || !organizationId) return undefined;
    setError(null);
    return subscribeResumable(live.client, document, JSON.parse(variablesKey) as TVariables, {
      next: (data, position) => handlers.current.onEvent(data, position),
      gap: () => handlers.current.onGap?.(),
      error: (message) => setError(message),
      renewToken: () => session.refresh(),
    });
  }, [live, session, document, variablesKey, organizationId, options.paused]);

  return error;
}
