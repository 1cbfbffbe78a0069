import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { DASHBOARD_DIST } from './buildDashboard';

export interface DashboardServerOptions {
  /** The gateway's GraphQL endpoint as the browser reaches it (a getter when known only later). */
  graphqlUrl: string | (() => string);
  /** Development: the demo login the sign-in form offers. */
  demo?: { email: string; password: string };
  port: number;
  host?: string;
}

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the built dashboard (a static bundle) and /config.json, which tells the page where the
 * gateway is: one build works against any gateway.
 */
export async function serveDashboard(options: DashboardServerOptions): Promise<RunningDashboard> {
  const graphqlUrl = options.graphqlUrl;
  const config = () => JSON.stringify({ graphqlUrl: typeof graphqlUrl === 'string' ? graphqlUrl : graphqlUrl(), demo: options.demo ?? null });
  const assets = sirv(DASHBOARD_DIST, { single: true, etag: true, dev: false });
  const server: Server = createServer((request, response) => {
    if (request.url === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(config());
      return;
    }
    assets(request, response, () => {
      response.writeHead(404).end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
