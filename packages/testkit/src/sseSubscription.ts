import { machineTime } from './machineTime';
/** One `next` payload of a GraphQL-over-SSE stream. */
export interface SseResult<TData> {
  data?: TData;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

/**
 * A GraphQL subscription over Server-Sent Events (graphql-yoga's "distinct connections" mode), as a
 * browser dashboard would open it: POST with `Accept: text/event-stream` and the bearer token.
 */
export class SseSubscription<TData> {
  readonly results: Array<SseResult<TData>> = [];
  /** The SSE event id in effect when each result arrived (what EventSource's lastEventId was). */
  readonly eventIds: Array<string | null> = [];
  /** As EventSource keeps it: set by `id:` lines, also by messages without data (markers). */
  lastEventId: string | null = null;
  completed = false;
  /** A refusal before any stream (e.g. HTTP 429 from admission control): its status and JSON body. */
  refused: { status: number; body: SseResult<TData> | null } | null = null;
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  private taken = 0;

  private constructor() {}

  static async open<TData>(
    url: string,
    query: string,
    variables: Record<string, unknown>,
    token?: string,
    options: {
      requireOk?: boolean;
      lastEventId?: string;
      extensions?: Record<string, unknown>;
      /** Extra headers computed from the exact body (the gateway's signature on a direct subgraph call). */
      signBody?: (body: string) => Promise<Record<string, string>>;
    } = {},
  ): Promise<SseSubscription<TData>> {
    const subscription = new SseSubscription<TData>();
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
    if (token) headers.authorization = `Bearer ${token}`;
    // What a reconnecting EventSource sends.
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const body = JSON.stringify({ query, variables, ...(options.extensions ? { extensions: options.extensions } : {}) });
    if (options.signBody) Object.assign(headers, await options.signBody(body));
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: subscription.controller.signal,
    });
    if (!response.body || (options.requireOk && !response.ok)) {
      throw new Error(`subscription refused: HTTP ${response.status} ${await response.text()}`);
    }
    if (!response.ok && !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      subscription.refused = { status: response.status, body: (await response.json().catch(() => null)) as SseResult<TData> | null };
      subscription.completed = true;
      return subscription;
    }
    void subscription.read(response.body);
    return subscription;
  }

  /**
   * What a plain EventSource sends: GET with the operation in the URL and a subscription ticket
   * instead of a bearer token (README: "Subscriptions from a browser"). Resolves with the HTTP
   * status and, for 200, the stream.
   */
  static async openWithTicket<TData>(
    url: string,
    query: string,
    ticket: string,
    options: { lastEventId?: string; authorization?: string; extensions?: Record<string, unknown> } = {},
  ): Promise<{ status: number; body: unknown; subscription?: SseSubscription<TData> }> {
    const subscription = new SseSubscription<TData>();
    const target = new URL(url);
    target.searchParams.set('query', query);
    target.searchParams.set('ticket', ticket);
    if (options.extensions) target.searchParams.set('extensions', JSON.stringify(options.extensions));
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    if (options.authorization) headers.authorization = options.authorization;
    const response = await fetch(target, { headers, signal: subscription.controller.signal });
    if (response.status !== 200 || !response.body) return { status: response.status, body: await response.json().catch(() => null) };
    void subscription.read(response.body);
    return { status: 200, body: null, subscription };
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) break;
        buffer += decoder.decode(chunk, { stream: true });
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          this.handle(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
    this.completed = true;
    this.notify();
  }

  private handle(message: string): void {
    const lines = message.split('\n');
    const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
    const id = lines.find((line) => line.startsWith('id:'))?.slice(3).trim();
    if (id !== undefined && !id.includes('\0')) this.lastEventId = id;
    if (event === 'complete') this.completed = true;
    else if ((event === 'next' || event === undefined) && data) {
      this.results.push(JSON.parse(data) as SseResult<TData>);
      this.eventIds.push(this.lastEventId);
    }
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once `count` results arrived (or the stream ended); rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5000): Promise<Array<SseResult<TData>>> {
    // A quiet machine's figure, stretched on a busy one (machineTime).
    const deadline = Date.now() + machineTime(timeoutMs);
    while (this.results.length < count && !this.completed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`expected ${count} subscription results, got ${JSON.stringify(this.results)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.results;
  }

  /** The next result not yet taken with next(); rejects after `timeoutMs` without one. */
  async next(timeoutMs = 5000): Promise<SseResult<TData>> {
    await this.waitFor(this.taken + 1, timeoutMs).catch(() => {
      throw new Error(`no subscription event within ${timeoutMs} ms`);
    });
    const result = this.results[this.taken];
    if (!result) throw new Error('subscription ended before the next result');
    this.taken += 1;
    return result;
  }

  /** Results received and not yet taken with next(). */
  pending(): number {
    return this.results.length - this.taken;
  }

  close(): void {
    this.controller.abort();
  }
}

/** Opens a subscription and refuses an HTTP error status outright (the caller expected a stream). */
export async function subscribeSse<TData>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<SseSubscription<TData>> {
  return SseSubscription.open<TData>(url, query, variables, token, { requireOk: true });
}
