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

/** Minimal client for the gateway: one POST per operation, bearer token, typed `data`. */
export class GatewayClient {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new GraphQLRequestError(`gateway unreachable: ${(error as Error).message}`, [], true);
    }
    const body = (await response.json().catch(() => null)) as {
      data?: T | null;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    } | null;
    if (!body) throw new GraphQLRequestError(`gateway answered HTTP ${response.status} without JSON`, [], response.status >= 500);
    if (body.errors?.length || !body.data) {
      const codes = (body.errors ?? []).map((error) => error.extensions?.code ?? 'UNKNOWN');
      const message = (body.errors ?? []).map((error) => error.message).join('; ') || 'no data';
      throw new GraphQLRequestError(message, codes, response.status >= 500 || codes.includes('INTERNAL'));
    }
    return body.data;
  }
}
