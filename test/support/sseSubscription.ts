/**
 * A GraphQL-over-SSE subscriber (the "distinct connections" mode graphql-yoga serves): POST with
 * `Accept: text/event-stream`, then `event: next` / `event: complete` messages.
 */
export interface SseSubscription<TData> {
  /** The next payload; rejects after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<{ data?: TData; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Payloads received so far and not yet taken with next(). */
  pending(): number;
  close(): void;
}

type Payload<TData> = Awaited<ReturnType<SseSubscription<TData>['next']>>;

export async function subscribeSse<TData>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<SseSubscription<TData>> {
  const controller = new AbortController();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`subscription refused: HTTP ${response.status} ${await response.text()}`);

  const queue: Array<Payload<TData>> = [];
  const waiters: Array<(payload: Payload<TData>) => void> = [];
  const deliver = (payload: Payload<TData>) => {
    const waiter = waiters.shift();
    if (waiter) waiter(payload);
    else queue.push(payload);
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(message)?.[1];
          const data = message
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if (event === 'next' && data) deliver(JSON.parse(data) as Payload<TData>);
        }
      }
    } catch {
      // aborted by close()
    }
  })();

  return {
    next: (timeoutMs = 5000) => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(onPayload), 1);
          reject(new Error(`no subscription event within ${timeoutMs} ms`));
        }, timeoutMs);
        const onPayload = (payload: Payload<TData>) => {
          clearTimeout(timer);
          resolve(payload);
        };
        waiters.push(onPayload);
      });
    },
    pending: () => queue.length,
    close: () => controller.abort(),
  };
}
