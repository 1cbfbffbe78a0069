/** A GraphQL error answer, with the codes the worker decides on (retry or not). */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly codes: string[],
    /** Transport trouble (network, 5xx): worth retrying. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

/** Where the client gets its bearer token; a renewable source may be told that one was refused. */
export interface AccessTokenSource {
  token(): Promise<string>;
  /** The gateway refused `token` (expired, revoked): the next `token()` must not return it again. */
  refused?(token: string): void;
}

/** A token handed over as is (AGENT_WORKER_TOKEN): it cannot be renewed. */
export function staticToken(token: string): AccessTokenSource {
  return { token: async () => token };
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * Minimal client for the gateway: one POST per operation, typed `data`. With a token source
 * every request carries its bearer token; a request refused as UNAUTHENTICATED is sent once
 * more with a fresh token when the source can renew (a service token expired or was revoked);
 * such a refusal happens before the operation runs, so sending a mutation again is safe.
 * Without one the requests are anonymous (the token exchange itself).
 */
export class GatewayClient {
  private readonly tokens: AccessTokenSource | null;

  constructor(
    private readonly url: string,
    auth: string | AccessTokenSource | null,
    private readonly timeoutMs = 15_000,
  ) {
    this.tokens = typeof auth === 'string' ? staticToken(auth) : auth;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const token = this.tokens ? await this.tokens.token() : null;
    try {
      return await this.send<T>(query, variables, token);
    } catch (error) {
      const renewable = token !== null && this.tokens?.refused !== undefined;
      if (!renewable || !(error instanceof GraphQLRequestError) || !error.codes.includes('UNAUTHENTICATED')) throw error;
      this.tokens!.refused!(token);
      return this.send<T>(query, variables, await this.tokens!.token());
    }
  }

  private async send<T>(query: string, variables: Record<string, unknown>, token: string | null): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new GraphQLRequestError(`gateway unreachable: ${(error as Error).message}`, [], true);
    }
    const body = (await response.json().catch(() => null)) as GraphQLAnswer<T> | null;
    if (!body) throw new GraphQLRequestError(`gateway answered HTTP ${response.status} without JSON`, [], response.status >= 500);
    if (body.errors?.length || !body.data) {
      const codes = (body.errors ?? []).map((error) => error.extensions?.code ?? 'UNKNOWN');
      const message = (body.errors ?? []).map((error) => error.message).join('; ') || 'no data';
      throw new GraphQLRequestError(message, codes, response.status >= 500 || codes.includes('INTERNAL'));
    }
    return body.data;
  }
}
