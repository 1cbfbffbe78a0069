import {
  GATEWAY_ASSERTION_MAX_ENTRIES,
  GATEWAY_ASSERTION_PARAM,
  gatewayAssertionHeaders,
  gatewaySigningKeyFromPem,
  generateGatewaySigningKey,
  signGatewayAssertion,
  type AssertedRequest,
  type GatewaySigningKey,
  type Logger,
} from '@hub/runtime';
import type { JSONWebKeySet } from 'jose';

/** Told once per signature: how many requests it covered (the gateway's metrics count both). */
export type AssertionSignedListener = (entries: number) => void;

/**
 * Runs `close` once the microtask queue is empty. queueMicrotask alone runs it before every
 * microtask queued after it in the same drain (continuations of other calls that reach the signer
 * a step later), which split batches in two; a tick queued from inside a microtask runs only after
 * Node has drained the whole queue, whether the first request came from a microtask or not.
 */
function closeAfterThisDrain(close: () => void): void {
  queueMicrotask(() => process.nextTick(close));
}

interface PendingEntry {
  readonly request: AssertedRequest;
  readonly resolve: (headers: Record<string, string>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Signs what the gateway sends to a subgraph (HTTP calls, and the `connection_init` of pooled
 * subscription WebSockets), so subgraphs can refuse everyone else. The one place the assertion
 * is added on the way out; the key is GATEWAY_SIGNING_KEY, its public half published as a JWKS.
 *
 * HTTP calls are signed in batches: every call that asks for its headers within one drain of the
 * microtask queue shares one signature (at most GATEWAY_ASSERTION_MAX_ENTRIES per batch), each
 * call with its own entry. The ES256 signature is
 * the costliest step of a subgraph call; one operation's parallel fetches (and, with the shared
 * flush tick of subgraphFetchBatching, those of concurrent operations) leave in the same drain.
 */
export class SubgraphRequestSigner {
  private batch: PendingEntry[] = [];
  private readonly listeners: AssertionSignedListener[] = [];

  constructor(private readonly key: GatewaySigningKey) {}

  /** Counts signatures (the gateway's metrics); called with the number of requests each covered. */
  onSigned(listener: AssertionSignedListener): void {
    this.listeners.push(listener);
  }

  /** Headers for one HTTP request to `subgraph` (signed per attempt: a retry is a new request). */
  headers(subgraph: string, request: { method: string; path: string; body: string }): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      const batch = this.batch;
      if (batch.length === 0) closeAfterThisDrain(() => this.close(batch));
      batch.push({ request: { audience: subgraph, ...request }, resolve, reject });
      if (batch.length === GATEWAY_ASSERTION_MAX_ENTRIES) this.close(batch);
    });
  }

  /** `connection_init` payload for a WebSocket to `url` (evaluated again on every reconnect; a batch of one). */
  connectionParams(subgraph: string, url: string): Record<string, string> {
    const { pathname, search } = new URL(url);
    const assertion = signGatewayAssertion(this.key, [{ audience: subgraph, method: 'GET', path: `${pathname}${search}`, body: '' }]);
    this.signed(1);
    return { [GATEWAY_ASSERTION_PARAM]: assertion };
  }

  get jwks(): JSONWebKeySet {
    return { keys: [this.key.publicJwk] };
  }

  /** Signs `batch` unless it was already closed (it filled up before its microtask ran). */
  private close(batch: PendingEntry[]): void {
    if (this.batch !== batch) return;
    this.batch = [];
    let headers: Array<Record<string, string>>;
    try {
      headers = gatewayAssertionHeaders(this.key, batch.map((entry) => entry.request));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, index) => entry.resolve(headers[index]!));
    this.signed(batch.length);
  }

  private signed(entries: number): void {
    for (const listener of this.listeners) listener(entries);
  }
}

/** The configured key; without one, a key for this process only (subgraphs must then read its JWKS). */
export async function subgraphRequestSignerFor(privateKeyPem: string | undefined, logger: Logger): Promise<SubgraphRequestSigner> {
  if (privateKeyPem) return new SubgraphRequestSigner(await gatewaySigningKeyFromPem(privateKeyPem));
  logger.warn('GATEWAY_SIGNING_KEY is not set: signing subgraph calls with a key generated for this process (one replica only)');
  return new SubgraphRequestSigner(await generateGatewaySigningKey());
}
