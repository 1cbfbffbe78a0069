import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/** A package's UMD bundle (its `exports` hide the folder, so found next to its main file). */
const umdBundle = (pkg: string, file: string) => join(dirname(require.resolve(pkg)), '..', 'umd', file);

/** Browser bundles a test page may load (served from node_modules: no CDN, no network); globals `graphqlWs`, `graphqlSse`. */
const SCRIPTS: Record<string, string> = {
  '/graphql-ws.js': umdBundle('graphql-ws', 'graphql-ws.min.js'),
  '/graphql-sse.js': umdBundle('graphql-sse', 'graphql-sse.min.js'),
  '/client.js': join(__dirname, 'browserClient.js'),
};

export interface PageServer {
  /** `http://127.0.0.1:<port>`: the origin of every page it serves. */
  origin: string;
  close(): Promise<void>;
}

/**
 * A tiny web server on its own origin serving one empty page (`/`) and the GraphQL client
 * bundles, as a dashboard on another origin than the gateway would be.
 */
export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://page.local').pathname;
    const script = SCRIPTS[path];
    if (script) {
      void readFile(script).then((body) => response.writeHead(200, { 'content-type': 'text/javascript' }).end(body));
      return;
    }
    if (path !== '/') return void response.writeHead(404).end();
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><html><head><title>page</title><script src="/graphql-ws.js"></script><script src="/graphql-sse.js"></script><script src="/client.js"></script></head><body><main>page</main></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
