import type { IncomingMessage, Server } from 'node:http';
import type { ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import type { Context as WsContext, SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

/** Headers an operation may carry in its subscribe message (`extensions.headers`). */
const FORWARDED_OPERATION_HEADERS = ['authorization', 'x-request-id'] as const;

export interface GraphQLOverWebSocketOptions {
  /** Same path as HTTP, so one URL serves queries, SSE and WebSocket clients. */
  path?: string;
  /**
   * Accept `authorization` per operation (subscribe message `extensions.headers`) besides the
   * connection's `connectionParams`. Subgraphs accept it: the gateway multiplexes many
   * subscribers, each with their own token, over one pooled connection.
   */
  operationHeaders?: boolean;
  /** Frames larger than this close the socket with 1009 (Message Too Big). */
  maxPayloadBytes?: number;
  /** Ping interval; a peer that stops answering is dropped. */
  keepAliveMs?: number;
  /** Sees each operation's Request before the context is built (e.g. to mark a verified connection's). */
  onOperationRequest?: (ctx: WsContext, request: Request) => void;
  /** Return false to refuse the HTTP upgrade itself (403), e.g. a browser page from an origin not allowed. */
  allowUpgrade?: (request: IncomingMessage) => boolean;
  /** Return false to refuse `connection_init` (the socket closes with 4403 Forbidden). */
  onConnect?: (ctx: WsContext) => Promise<boolean | void> | boolean | void;
  /** Return errors to refuse one operation before it is parsed (e.g. a per-connection limit); reported to `onOperationStarted`. */
  beforeOperation?: (ctx: WsContext, id: string, payload: SubscribePayload) => readonly GraphQLError[] | void;
  /**
   * The parameter stage an HTTP request passes after its body is read (yoga's `onParams`, e.g.
   * persisted operations): the operation's params to run, or errors refusing it. The context is
   * the one the operation's envelop then gets.
   */
  prepareParams?: (params: SubscribePayload, request: Request, context: OperationServerContext) => Promise<SubscribePayload | readonly GraphQLError[]>;
  /**
   * An operation failed before execution (parse, validation, token): may answer with other errors
   * instead (the gateway counts such failures against the client address and rate-limits them).
   */
  onOperationRefused?: (ctx: WsContext, errors: readonly GraphQLError[]) => Promise<readonly GraphQLError[] | void>;
  /**
   * How each operation started, under the Request it ran with: the errors refusing it (after
   * `onOperationRefused`), or what execution returned (a stream for a subscription), e.g. to
   * record it in the same request metrics as an HTTP operation.
   */
  onOperationStarted?: (request: Request, outcome: OperationOutcome) => void;
  onOperationEnd?: (ctx: WsContext, id: string) => void;
  onConnectionClose?: (ctx: WsContext) => void;
  /** A socket-level error (protocol violation, oversized frame); ws closes the socket itself. */
  onSocketError?: (error: Error) => void;
}

export interface GraphQLWebSocketServer {
  readonly server: WebSocketServer;
  /** Closes every socket with 1001 (Going Away: clients reconnect) and stops accepting. */
  close(): Promise<void>;
}

/** The server context of one WebSocket operation, as yoga's node adapter gives one of an HTTP request. */
export interface OperationServerContext {
  request: Request;
  connectionParams: WsContext['connectionParams'];
  /** The client's socket (graphql-ws `extra.socket`). */
  socket: unknown;
  /** The upgrade request (as `req` over HTTP), so plugins see the client's address. */
  req: unknown;
  params?: SubscribePayload;
}

export type OperationOutcome = readonly GraphQLError[] | ExecutionResult | AsyncIterable<ExecutionResult>;

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

function headerValue(source: unknown, name: string): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

/**
 * The Request the yoga context factory sees for one WebSocket operation: the token from
 * `connectionParams.authorization` (or, where allowed, the operation's own headers), so identity
 * is verified by exactly the code that verifies HTTP requests.
 */
function operationRequest(ctx: WsContext, payload: SubscribePayload, operationHeaders: boolean): Request {
  const headers = new Headers({ 'content-type': 'application/json' });
  const fromOperation = operationHeaders ? (payload.extensions as { headers?: unknown } | undefined)?.headers : undefined;
  for (const name of FORWARDED_OPERATION_HEADERS) {
    const value = headerValue(fromOperation, name) ?? headerValue(ctx.connectionParams, name);
    if (value !== undefined) headers.set(name, value);
  }
  return new Request('http://websocket.local/graphql', { method: 'POST', headers });
}

/**
 * Serves `graphql-transport-ws` (package `graphql-ws`) on an HTTP server next to a yoga instance:
 * every operation goes through the same envelop pipeline (plugins, context, masking) as HTTP.
 */
export function serveGraphQLOverWebSocket(
  server: Server,
  // The transport is generic over every yoga instance's context type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  yoga: YogaServerInstance<any, any>,
  options: GraphQLOverWebSocketOptions = {},
): GraphQLWebSocketServer {
  const webSocketServer = new WebSocketServer({
    server,
    path: options.path ?? '/graphql',
    maxPayload: options.maxPayloadBytes ?? 100_000,
    verifyClient: options.allowUpgrade
      ? (info: { req: IncomingMessage }, done: (result: boolean, code?: number, message?: string) => void) =>
          options.allowUpgrade!(info.req) ? done(true) : done(false, 403, 'Origin not allowed')
      : undefined,
  });
  const started = (request: Request) => (outcome: OperationOutcome) => {
    options.onOperationStarted?.(request, outcome);
    return outcome;
  };
  /** The operation ready to execute, or why it cannot be. */
  const prepareOperation = async (ctx: WsContext, payload: SubscribePayload, request: Request): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    options.onOperationRequest?.(ctx, request);
    const { socket, request: req } = ctx.extra as { socket?: unknown; request?: unknown };
    const context: OperationServerContext = { request, connectionParams: ctx.connectionParams, socket, req };
    const params = options.prepareParams ? await options.prepareParams(payload, request, context) : payload;
    if (isErrorList(params)) return params;
    context.params = params;
    const enveloped = yoga.getEnveloped(context);
    let document;
    try {
      document = enveloped.parse(params.query);
    } catch (error) {
      return [error as GraphQLError];
    }
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0) return errors;
    let contextValue: unknown;
    try {
      contextValue = await enveloped.contextFactory();
    } catch (error) {
      if (isGraphQLError(error)) return [error];
      throw error;
    }
    return {
      schema: enveloped.schema,
      document,
      operationName: params.operationName,
      variableValues: params.variables,
      contextValue,
      rootValue: options.onOperationStarted
        ? {
            execute: (args: ExecutionArgs) => Promise.resolve(enveloped.execute(args)).then(started(request)),
            subscribe: (args: ExecutionArgs) => Promise.resolve(enveloped.subscribe(args)).then(started(request)),
          }
        : { execute: enveloped.execute, subscribe: enveloped.subscribe },
    };
  };
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onConnect: options.onConnect,
      onSubscribe: async (ctx, id, payload) => {
        const request = operationRequest(ctx, payload, options.operationHeaders ?? false);
        const refused = options.beforeOperation?.(ctx, id, payload);
        if (refused && refused.length > 0) {
          options.onOperationStarted?.(request, refused);
          return refused;
        }
        const prepared = await prepareOperation(ctx, payload, request);
        if (!isErrorList(prepared)) return prepared;
        const refusal = (await options.onOperationRefused?.(ctx, prepared)) ?? prepared;
        options.onOperationStarted?.(request, refusal);
        return refusal;
      },
      onComplete: options.onOperationEnd,
      onClose: options.onConnectionClose,
    },
    webSocketServer,
    options.keepAliveMs ?? 12_000,
  );
  // graphql-ws reports socket errors (e.g. a frame over maxPayload, which ws answers with 1009)
  // with console.error; a misbehaving client must not be able to flood the log that way.
  webSocketServer.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => options.onSocketError?.(error));
  });
  return {
    server: webSocketServer,
    close: () => Promise.resolve(disposable.dispose()),
  };
}

function isErrorList<T extends object>(prepared: T | readonly GraphQLError[]): prepared is readonly GraphQLError[] {
  return Array.isArray(prepared);
}

function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}
