import type { Plugin } from 'graphql-yoga';

/** Serves a JSON document on a fixed GET path (e.g. the JWKS); cacheable 5 min unless `cacheControl` says otherwise. */
export function useJsonRoute(path: string, body: () => unknown | Promise<unknown>, cacheControl = 'public, max-age=300'): Plugin {
  return {
    async onRequest({ url, request, fetchAPI, endResponse }) {
      if (url.pathname !== path || request.method !== 'GET') return;
      endResponse(
        fetchAPI.Response.json(await body(), { headers: { 'cache-control': cacheControl } }),
      );
    },
  };
}
