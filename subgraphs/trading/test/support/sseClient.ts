/** One GraphQL subscription over SSE (yoga's `Accept: text/event-stream`), read event by event. */
export interface SseSubscription {
  /** The next `next` event's payload; rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<{ data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  status: number;
  close(): void;
}

export async function subscribeSse(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<SseSubscription> {
  const controller = new AbortController();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';

  async function readEvent(): Promise<string> {
    for (;;) {
      const boundary = buffer.indexOf('\n\n');
      if (boundary >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const lines = block.split('\n');
        const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
        const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
        if (event === 'complete') throw new Error('subscription completed');
        if (data) return data;
        continue; // keep-alive comment or empty event
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += value;
    }
  }

  return {
    status: response.status,
    next: async (timeoutMs = 10_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const data = await Promise.race([readEvent(), timeout]);
        return JSON.parse(data) as Awaited<ReturnType<SseSubscription['next']>>;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => controller.abort(),
  };
}
