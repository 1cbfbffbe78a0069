import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Operation names come from clients: past this many distinct names new ones count as "other". */
const MAX_OPERATION_LABELS = 200;
const CIRCUIT_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Prometheus metrics of one gateway instance (own registry, so several gateways can share a process). */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private readonly requests = new Counter({
    name: 'gateway_requests_total',
    help: 'GraphQL requests by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'gateway_request_errors_total',
    help: 'GraphQL errors returned to clients by operation name and error code',
    labelNames: ['operation', 'code'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Request latency by operation name',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly subgraphLatency = new Histogram({
    name: 'gateway_subgraph_request_duration_seconds',
    help: 'Latency of successful subgraph calls',
    labelNames: ['subgraph'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly subgraphErrors = new Counter({
    name: 'gateway_subgraph_errors_total',
    help: 'Failed subgraph calls by reason (timeout, unreachable, bad_response, circuit_open)',
    labelNames: ['subgraph', 'reason'],
    registers: [this.registry],
  });
  private readonly queueRejections = new Counter({
    name: 'gateway_subgraph_queue_rejections_total',
    help: 'Subgraph calls the gateway refused with OVERLOADED (queue_full, queue_timeout); never sent, never counted by the breaker',
    labelNames: ['subgraph', 'reason'],
    registers: [this.registry],
  });
  private readonly assertionsSigned = new Counter({
    name: 'gateway_subgraph_assertions_signed_total',
    help: 'ES256 signatures made for subgraph calls and upstream WebSockets (one per batch of requests)',
    registers: [this.registry],
  });
  private readonly assertionEntries = new Counter({
    name: 'gateway_subgraph_assertion_entries_total',
    help: 'Subgraph calls and upstream WebSockets covered by those signatures (entries / signatures = mean batch size)',
    registers: [this.registry],
  });
  private readonly circuit = new Gauge({
    name: 'gateway_subgraph_circuit_state',
    help: 'Circuit breaker per subgraph: 0 closed, 1 half-open, 2 open',
    labelNames: ['subgraph'],
    registers: [this.registry],
  });
  readonly supergraphReloads = new Counter({
    name: 'gateway_supergraph_reloads_total',
    help: 'Supergraph reload attempts by result (applied, rejected)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly admissionRefused = new Counter({
    name: 'gateway_admission_refusals_total',
    help: 'Operations refused by admission control before parsing (OVERLOADED: queue_full, queue_timeout)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  /** Reports the admission queue's usage on every scrape. */
  watchAdmission(read: () => { inFlight: number; waiting: number }): void {
    new Gauge({
      name: 'gateway_admission_operations',
      help: 'Operations admitted and in progress (state="in_flight") and waiting for admission (state="waiting")',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const usage = read();
        this.set({ state: 'in_flight' }, usage.inFlight);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
  }
  readonly rateLimited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Requests refused by the per-tenant rate limit',
    registers: [this.registry],
  });

  readonly loginLimited = new Counter({
    name: 'gateway_login_limited_total',
    help: 'Sign-in attempts refused by the login limit, per address or per account',
    labelNames: ['scope'],
    registers: [this.registry],
  });

  readonly clientSubscriptions = new Gauge({
    name: 'gateway_subscriptions_active',
    help: 'Client subscriptions currently open (WebSocket and SSE)',
    registers: [this.registry],
  });
  readonly upstreamStreams = new Gauge({
    name: 'gateway_subscription_upstream_streams',
    help: 'Upstream subscription streams per subgraph (shared by identical client subscriptions)',
    labelNames: ['subgraph'],
    registers: [this.registry],
  });
  readonly upstreamConnections = new Gauge({
    name: 'gateway_subscription_upstream_connections',
    help: 'Open pooled WebSocket connections to subgraphs',
    labelNames: ['subgraph'],
    registers: [this.registry],
  });
  readonly subscriptionEvents = new Counter({
    name: 'gateway_subscription_events_total',
    help: 'Subscription events delivered to clients',
    registers: [this.registry],
  });
  readonly subscriptionsEnded = new Counter({
    name: 'gateway_subscriptions_ended_total',
    help: 'Client subscriptions ended by the gateway, by reason (expired, revoked, slow_consumer, upstream, overloaded, shutdown, schema_reload)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly webSocketConnections = new Gauge({
    name: 'gateway_websocket_connections',
    help: 'Client WebSocket connections',
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  private operationLabel(name: string | null | undefined): string {
    const label = name || 'anonymous';
    if (this.operations.has(label)) return label;
    if (this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(label);
    return label;
  }

  request(operationName: string | null | undefined, seconds: number, errorCodes: readonly string[]): void {
    const operation = this.operationLabel(operationName);
    this.requests.inc({ operation, outcome: errorCodes.length > 0 ? 'error' : 'ok' });
    this.latency.observe({ operation }, seconds);
    for (const code of errorCodes) this.errors.inc({ operation, code });
  }

  subgraphDuration(subgraph: string, seconds: number): void {
    this.subgraphLatency.observe({ subgraph }, seconds);
  }

  subgraphError(subgraph: string, reason: string): void {
    this.subgraphErrors.inc({ subgraph, reason });
  }

  subgraphQueueRejected(subgraph: string, reason: string): void {
    this.queueRejections.inc({ subgraph, reason });
  }

  /** One signature over `entries` subgraph requests. */
  subgraphAssertionSigned(entries: number): void {
    this.assertionsSigned.inc();
    this.assertionEntries.inc(entries);
  }

  circuitState(subgraph: string, state: keyof typeof CIRCUIT_VALUES): void {
    this.circuit.set({ subgraph }, CIRCUIT_VALUES[state]);
  }
}
