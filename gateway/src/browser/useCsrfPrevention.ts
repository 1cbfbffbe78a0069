import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { Plugin } from 'graphql-yoga';

/**
 * yoga's CSRF prevention (a "simple" request needs `content-type: application/json` or a CSRF
 * header), except for requests authenticated by a subscription ticket: a ticket is a credential
 * in the URL, not an ambient one a foreign page could make the browser send.
 */
export function useCsrfPrevention(exempt: WeakSet<Request>): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: ['x-graphql-csrf', 'apollo-require-preflight'] }) as Plugin;
  return {
    onRequestParse(payload) {
      if (exempt.has(payload.request)) return;
      return csrf.onRequestParse?.(payload);
    },
  };
}
