import type { Server } from 'node:http';
import { serveGraphQLOverWebSocket, UnauthenticatedError, type Logger, type TokenVerifier } from '@hub/runtime';
import { GraphQLError } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { YogaServerInstance } from 'graphql-yoga';
import type { SubscriptionSettings } from '../config';
import type { GatewayContext } from '../gatewayContext';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import type { OperationManifest } from '../persistedOperations/operationManifest';
import { clientAddressOf, type NodeServerContext } from '../rateLimit/clientAddress';
import type { RateLimitGate } from '../rateLimit/rateLimitGate';

export interface ClientWebSocketOptions {
  settings: SubscriptionSettings;
  verifyToken: TokenVerifier;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Safelist mode: WebSocket operations are held to the same manifest as HTTP ones. */
  manifest?: OperationManifest;
  maxPayloadBytes: number;
  /** Refused tokens and operations count against the client address, as over HTTP. */
  rateLimit: RateLimitGate;
  /** The CORS allow-list: a browser upgrade from any other origin is refused (HTTP 403). */
  allowOrigin: (origin: string | undefined, host: string | undefined) => boolean;
}

/**
 * Close code for a client whose refused attempts used up its address's rate limit (graphql-ws
 * already uses 4429 for a repeated connection_init, so the next free one).
 */
export const CLOSE_RATE_LIMITED = 4430;

/** graphql-ws (`use/ws`) keeps the upgrade request in `extra.request`, yoga's node adapter in `req`. */
const addressOf = (ctx: { extra: unknown }) =>
  clientAddressOf({ req: (ctx.extra as { request?: NodeServerContext['req'] }).request });

export interface ClientWebSockets {
  close(): Promise<void>;
}

function limitError(message: string, code: string): readonly GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code } })];
}

function bearer(connectionParams: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (typeof value !== 'string') return undefined;
  return value.replace(/^Bearer\s+/i, '');
}

/**
 * Resolves a persisted operation for a WebSocket subscribe message (yoga's persisted-operations
 * plugin only sees HTTP requests). Returns errors, or rewrites `payload.query` from the manifest.
 */
function applySafelist(manifest: OperationManifest, payload: SubscribePayload): readonly GraphQLError[] | void {
  const hash = (payload.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  if (typeof hash !== 'string') return limitError('Only persisted operations are accepted', 'PERSISTED_QUERY_ONLY');
  const document = manifest.operations[hash];
  if (!document) return limitError('Persisted operation not found', 'PERSISTED_QUERY_NOT_FOUND');
  (payload as { query: string }).query = document;
}

/**
 * `graphql-transport-ws` for clients, on the same path as HTTP. The bearer token travels in
 * `connectionParams.authorization` and is verified at `connection_init` (an invalid one closes the
 * socket with 4403, or CLOSE_RATE_LIMITED once the address's rate limit is used up); every
 * operation is then verified again like an HTTP request.
 */
export function serveClientWebSockets(
  server: Server,
  yoga: YogaServerInstance<Record<string, never>, GatewayContext>,
  options: ClientWebSocketOptions,
): ClientWebSockets {
  const { settings, metrics, logger } = options;
  const counted = new WeakSet<object>();
  const transport = serveGraphQLOverWebSocket(server, yoga, {
    operationHeaders: false,
    keepAliveMs: settings.keepAliveMs,
    maxPayloadBytes: options.maxPayloadBytes,
    allowUpgrade: (request) => options.allowOrigin(request.headers.origin, request.headers.host),
    onConnect: async (ctx) => {
      const token = bearer(ctx.connectionParams);
      if (token) {
        try {
          await options.verifyToken(token);
        } catch (error) {
          if (error instanceof UnauthenticatedError) {
            const limited = await options.rateLimit.forAddress(addressOf(ctx));
            if (limited) (ctx.extra as { socket: { close(code: number, reason: string): void } }).socket.close(CLOSE_RATE_LIMITED, limited.message);
            return false;
          }
          logger.error({ err: error }, 'WebSocket token could not be verified');
          return false;
        }
      }
      counted.add(ctx);
      metrics.webSocketConnections.inc();
      return true;
    },
    beforeOperation: (ctx, _id, payload) => {
      // graphql-ws has already reserved this operation's id in `subscriptions`.
      const open = Object.keys(ctx.subscriptions).length;
      if (open > settings.maxPerConnection) {
        return limitError(`At most ${settings.maxPerConnection} subscriptions per connection`, 'SUBSCRIPTION_LIMIT');
      }
      if (options.manifest) return applySafelist(options.manifest, payload);
    },
    onOperationRefused: async (ctx) => {
      const limited = await options.rateLimit.forAddress(addressOf(ctx));
      return limited ? [limited] : undefined;
    },
    onSocketError: (error) => logger.debug({ err: error }, 'client WebSocket error'),
    onConnectionClose: (ctx) => {
      if (counted.has(ctx)) metrics.webSocketConnections.dec();
    },
  });
  return { close: () => transport.close() };
}
