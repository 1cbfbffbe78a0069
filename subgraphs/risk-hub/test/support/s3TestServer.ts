import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A minimal S3-compatible HTTP server on 127.0.0.1 for tests: stores objects from PUT, serves GET,
 * and records every request so a test can check what the real S3 client sent on the wire.
 */
export class S3TestServer {
  readonly requests: RecordedRequest[] = [];
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  /** Set to make the next PUTs fail like an unavailable S3. */
  failPuts = false;
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
        const body = Buffer.concat(chunks);
        this.requests.push({ method: request.method ?? '', path, headers: request.headers, body });
        if (request.method === 'PUT') {
          if (this.failPuts) {
            response.writeHead(503, { 'content-type': 'application/xml' });
            response.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>try later</Message></Error>');
            return;
          }
          this.objects.set(path, { body, contentType: String(request.headers['content-type'] ?? '') });
          response.writeHead(200, { etag: '"test-etag"' });
          response.end();
          return;
        }
        const stored = request.method === 'GET' ? this.objects.get(path) : undefined;
        if (!stored) {
          response.writeHead(404, { 'content-type': 'application/xml' });
          response.end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>missing</Message></Error>');
          return;
        }
        response.writeHead(200, { 'content-type': stored.contentType, 'content-length': String(stored.body.length) });
        response.end(stored.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
