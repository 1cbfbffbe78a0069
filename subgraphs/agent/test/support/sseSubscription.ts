/** One GraphQL subscription over SSE (yoga's "distinct connections" mode), read event by event. */
export interface SseSubscription<T> {
  /** The next `next` payload; rejects when the stream ends first or on timeout. */
  next(timeoutMs?: number): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  close(): void;
}

export async function subscribeSse<T>(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<SseSubscription<T>> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  if (!response.body) throw new Error(`no SSE body (HTTP ${response.status})`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const frames: string[] = [];

  const nextFrame = async (): Promise<string | null> => {
    for (;;) {
      const boundary = buffer.indexOf('\n\n');
      if (boundary >= 0) {
        const frame = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        return frame;
      }
      const chunk = await reader.read();
      if (chunk.done) return null;
      buffer += chunk.value;
    }
  };

  return {
    next: async (timeoutMs = 10_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no SSE event within timeout')), timeoutMs);
      });
      try {
        for (;;) {
          const frame = frames.shift() ?? (await Promise.race([nextFrame(), timeout]));
          if (frame === null) throw new Error('SSE stream ended');
          const lines = frame.split('\n');
          const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
          const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
          if (event === 'complete') throw new Error('SSE stream completed');
          if (event === 'next' || (!event && data)) return JSON.parse(data);
        }
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => controller.abort(),
  };
}
