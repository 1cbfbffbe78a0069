import type { Plugin } from 'graphql-yoga';

/** `x-gateway-worker: <id>` on every response, so a client (or a test) can tell which worker answered. */
export function useWorkerIdHeader(workerId: number): Plugin {
  const value = String(workerId);
  return {
    onResponse({ response }) {
      response.headers.set('x-gateway-worker', value);
    },
  };
}
