import { createGraphQLError, type Plugin } from 'graphql-yoga';

function tooLarge(maxBytes: number) {
  // The rest of the body is never read, so the connection cannot carry another request: the
  // client is told to open a new one instead of finding this one reset.
  return createGraphQLError(`Request body is larger than ${maxBytes} bytes`, {
    extensions: { code: 'REQUEST_TOO_LARGE', http: { status: 413, headers: { connection: 'close' } } },
  });
}

async function readBounded(request: Request, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Refuses request bodies over the cap for their route with HTTP 413 before they are parsed: a
 * declared Content-Length is checked up front; a chunked body is counted while it is read. The cap
 * is chosen from the URL alone, so it is known before the first body byte is read.
 */
export function useRequestBodyLimit(maxBytesFor: (url: URL) => number): Plugin {
  return {
    onRequestParse({ request, url, requestParser, setRequestParser, fetchAPI }) {
      if (request.method !== 'POST' || !requestParser) return;
      const maxBytes = maxBytesFor(url);
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
        return;
      }
      setRequestParser(async (incoming) => {
        const body = (await readBounded(incoming, maxBytes)).toString('utf8');
        return requestParser(new fetchAPI.Request(incoming.url, { method: 'POST', headers: incoming.headers, body }));
      });
    },
  };
}
