import { Client, fetchExchange } from 'urql';

/**
 * Queries and mutations over HTTP. POST with a JSON body (never GET): the gateway's CSRF
 * protection refuses simple requests, and a JSON POST is not one.
 */
export function createGraphQLClient(url: string, accessToken: () => string | null): Client {
  return new Client({
    url,
    exchanges: [fetchExchange],
    preferGetMethod: false,
    requestPolicy: 'network-only',
    fetchOptions: (): RequestInit => {
      const token = accessToken();
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      return { headers };
    },
  });
}
