import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Client, ExecutionResult } from 'graphql-ws';
import { errorCodeOf, errorMessageOf } from './errorCodes';
import { StreamPositions } from './streamPositions';

export interface ResumableHandlers<TData> {
  /** A new event, shown once: replays that overlap what already arrived are dropped. */
  next(data: TData, position: string | null): void;
  /** The stream cannot resume from where it was (RESUME_POINT_EXPIRED): reload the snapshot. */
  gap(): void;
  /** The subscription ended for good (refused, or an error the client cannot repair). */
  error(message: string, code: string | null): void;
  /** The token was refused or expired: get a fresh one; the subscription then starts again. */
  renewToken(): Promise<void>;
}

interface SubscribePayload {
  query: string;
  variables: Record<string, unknown>;
  extensions: { resumeFrom?: string };
}

/** Errors after which subscribing again is the cure (docs/subscriptions.md, *Subscriptions through the gateway*). */
const RESUBSCRIBE = new Set(['SUBSCRIPTION_SCHEMA_RELOAD', 'SLOW_CONSUMER', 'SUBGRAPH_UNAVAILABLE', 'GATEWAY_SHUTTING_DOWN']);
const RENEW = new Set(['UNAUTHENTICATED', 'TOKEN_EXPIRED']);

/**
 * A subscription that survives drops without missing or repeating events. graphql-ws re-sends the
 * same payload object after every reconnect; `extensions.resumeFrom` in it always holds the last
 * position shown, so the gateway replays exactly what was missed. Errors that subscribing again
 * cures (token expiry, schema reload, slow consumer) start it again from the same position.
 */
export function subscribeResumable<TData, TVariables extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  handlers: ResumableHandlers<TData>,
): () => void {
  const positions = new StreamPositions();
  const payload: SubscribePayload = { query: print(document), variables, extensions: {} };
  let stopped = false;
  let unsubscribe: () => void = () => undefined;

  const restart = (delayMs: number) => {
    if (stopped) return;
    setTimeout(() => {
      if (!stopped) start();
    }, delayMs);
  };

  const fail = (error: unknown) => {
    unsubscribe();
    const code = errorCodeOf(error);
    if (code === 'RESUME_POINT_EXPIRED') {
      positions.reset();
      delete payload.extensions.resumeFrom;
      handlers.gap();
      restart(0);
    } else if (code && RENEW.has(code)) {
      void handlers.renewToken().then(
        () => restart(0),
        (renewError: unknown) => handlers.error(errorMessageOf(renewError), 'UNAUTHENTICATED'),
      );
    } else if (code && RESUBSCRIBE.has(code)) {
      restart(500);
    } else {
      handlers.error(errorMessageOf(error), code);
    }
  };

  function start(): void {
    unsubscribe = client.subscribe<TData>(payload, {
      next: (result: ExecutionResult<TData>) => {
        if (result.errors?.length) return fail(result.errors);
        const position = result.extensions?.position;
        if (!positions.accept(position)) return;
        if (positions.resumePoint) payload.extensions.resumeFrom = positions.resumePoint;
        if (result.data) handlers.next(result.data, typeof position === 'string' ? position : null);
      },
      error: fail,
      complete: () => undefined,
    });
  }

  start();
  return () => {
    stopped = true;
    unsubscribe();
  };
}
