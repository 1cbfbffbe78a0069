import type { Server } from 'node:http';
import { serveGraphQLOverWebSocket, type Logger } from '@hub/runtime';
import { GraphQLError } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import type { YogaServerInstance } from 'graphql-yoga';
import type { RequestIdentities } from '../auth/requestIdentities';
import type { CallerAdmission } from '../limits/callerAdmission';
import type { ReleaseSlot } from '../limits/fairQueue';
import type { SubscriptionSettings } from '../config';
import type { GatewayContext } from '../gatewayContext';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import type { RequestObservability } from '../observability/useRequestObservability';
import type { NodeServerContext } from '../callers/clientAddress';
import type { RateLimitGate } from '../rateLimit/rateLimitGate';
import type { OperationParamsStage } from './operationParamsStage';
import { CLOSE_FORBIDDEN, CLOSE_RATE_LIMITED } from './webSocketCloseCodes';

export interface ClientWebSocketOptions {
  settings: SubscriptionSettings;
  /** The same identities the HTTP path resolves: connection_init is verified there too. */
  identities: RequestIdentities;
  metrics: GatewayMetrics;
  /** Each operation (and each refused connection) is recorded as an HTTP request is. */
  observability: RequestObservability;
  logger: Logger;
  /** The `onParams` hooks of the gateway's plugin list (safelist, APQ), run for every operation. */
  paramsStage: OperationParamsStage;
  /** The caller's slots, shared with HTTP: admitted before the params stage, given back once started. */
  admission: CallerAdmission;
  maxPayloadBytes: number;
  /** Refused tokens and operations count against the client address, as over HTTP. */
  rateLimit: RateLimitGate;
  /** The CORS allow-list: a browser upgrade from any other origin is refused (HTTP 403). */
  allowOrigin: (origin: string | undefined, host: string | undefined) => boolean;
}

export interface ClientWebSockets {
  close(): Promise<void>;
}

interface ClosableSocket {
  close(code: number, reason: string): void;
}

/** graphql-ws (`use/ws`) keeps the upgrade request in `extra.request`, yoga's node adapter in `req`. */
const clientOf = (ctx: WsContext): NodeServerContext => ({ req: (ctx.extra as { request?: NodeServerContext['req'] }).request });

const socketOf = (ctx: WsContext) => (ctx.extra as { socket: ClosableSocket }).socket;

/** The error code of a refused token (a GraphQL error); undefined for any other failure. */
function codeOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'GraphQLError') return undefined;
  const code = (error as GraphQLError).extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * `graphql-transport-ws` for clients, on the same path as HTTP. Only what is particular to the
 * transport lives here: the upgrade's origin check, connection_init, close codes, the limit of
 * subscriptions per connection and keep-alive. Every operation otherwise passes the gateway's one
 * plugin chain, as an HTTP request does: admission control (the caller's places, shared with HTTP),
 * the `onParams` hooks (persisted operations), then the
 * envelop (operation limits, context with the identity from RequestIdentities, rate limit,
 * authorization, execution); refusals before execution are charged to the rate limit exactly as
 * over HTTP (RateLimitGate.forRefusal), and every operation is recorded in the request metrics and
 * log line as an HTTP request is. The bearer token travels in `connectionParams.authorization`; a
 * refused one closes the socket at connection_init with 4403 and its error code as the reason
 * (CLOSE_RATE_LIMITED once the address's rate limit is used up).
 */
export function serveClientWebSockets(
  server: Server,
  yoga: YogaServerInstance<Record<string, never>, GatewayContext>,
  options: ClientWebSocketOptions,
): ClientWebSockets {
  const { settings, metrics, logger } = options;
  const counted = new WeakSet<object>();
  /** Slots of operations admitted and not yet started, by their Request and by connection. */
  const slotsByRequest = new WeakMap<Request, ReleaseSlot>();
  const slotsByConnection = new WeakMap<WsContext, Set<ReleaseSlot>>();
  /** Admission refusals are charged to the caller's own limit there, not again to the address. */
  const admissionRefusals = new WeakSet<GraphQLError>();
  const connectionsByRequest = new WeakMap<Request, WsContext>();
  const releaseSlot = (request: Request) => {
    slotsByRequest.get(request)?.();
    slotsByRequest.delete(request);
  };
  const transport = serveGraphQLOverWebSocket(server, yoga, {
    operationHeaders: false,
    keepAliveMs: settings.keepAliveMs,
    maxPayloadBytes: options.maxPayloadBytes,
    allowUpgrade: (request) => options.allowOrigin(request.headers.origin, request.headers.host),
    onConnect: async (ctx) => {
      try {
        await options.identities.ofConnection(ctx.connectionParams);
      } catch (error) {
        const code = codeOf(error);
        if (code === undefined) {
          logger.error({ err: error }, 'WebSocket token could not be verified');
          return false;
        }
        const limited = await options.rateLimit.forRefusal(clientOf(ctx));
        options.observability.webSocketConnectionRefused(codeOf(limited) ?? code);
        if (limited) socketOf(ctx).close(CLOSE_RATE_LIMITED, limited.message);
        else socketOf(ctx).close(CLOSE_FORBIDDEN, code);
        return false;
      }
      counted.add(ctx);
      metrics.webSocketConnections.inc();
      return true;
    },
    beforeOperation: (ctx) => {
      // graphql-ws has already reserved this operation's id in `subscriptions`.
      const open = Object.keys(ctx.subscriptions).length;
      if (open > settings.maxPerConnection) {
        return [new GraphQLError(`At most ${settings.maxPerConnection} subscriptions per connection`, { extensions: { code: 'SUBSCRIPTION_LIMIT' } })];
      }
    },
    onOperationRequest: (ctx, request) => {
      // Found again by the Request in prepareParams, which does not get the connection itself.
      connectionsByRequest.set(request, ctx);
    },
    prepareParams: async (params, request, context) => {
      const admitted = await options.admission.admit(request, context as NodeServerContext);
      if ('refusal' in admitted) {
        admissionRefusals.add(admitted.refusal);
        return [admitted.refusal];
      }
      // Released when the operation has started (or was refused later), else when its connection closes.
      const ctx = connectionsByRequest.get(request);
      const pending = ctx ? (slotsByConnection.get(ctx) ?? new Set<ReleaseSlot>()) : new Set<ReleaseSlot>();
      if (ctx) slotsByConnection.set(ctx, pending);
      const release: ReleaseSlot = () => {
        pending.delete(release);
        admitted.release();
      };
      pending.add(release);
      slotsByRequest.set(request, release);
      return options.paramsStage(params, request, context);
    },
    onOperationRefused: async (ctx, errors) => {
      if (errors.length === 1 && admissionRefusals.has(errors[0]!)) return undefined;
      const limited = await options.rateLimit.forRefusal(clientOf(ctx));
      return limited ? [limited] : undefined;
    },
    onOperationStarted: (request, outcome) => {
      releaseSlot(request);
      options.observability.webSocketOperation(request, outcome);
    },
    onSocketError: (error) => logger.debug({ err: error }, 'client WebSocket error'),
    onConnectionClose: (ctx) => {
      if (counted.has(ctx)) metrics.webSocketConnections.dec();
      for (const release of slotsByConnection.get(ctx) ?? []) release();
      slotsByConnection.delete(ctx);
    },
  });
  return { close: () => transport.close() };
}
