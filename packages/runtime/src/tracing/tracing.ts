import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Exporters OTEL_TRACES_EXPORTER may name (OTLP is OTLP/HTTP with JSON bodies). */
export type TracesExporterName = 'otlp' | 'console';

/**
 * The switch: tracing is OFF unless OTEL_TRACES_EXPORTER names an exporter (`otlp`, `console`, or
 * both comma-separated); `none`, unset or OTEL_SDK_DISABLED=true keep it off. Off means the SDK is
 * never loaded and every hook below returns at its first line.
 */
export function tracesExportersFromEnv(env: NodeJS.ProcessEnv = process.env): TracesExporterName[] {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return [];
  const names = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'none');
  for (const name of names) {
    if (name !== 'otlp' && name !== 'console') throw new Error(`OTEL_TRACES_EXPORTER: "${name}" is not supported (otlp, console or none)`);
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/json').trim();
  if (names.includes('otlp') && protocol !== 'http/json') {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported (traces go out as http/json)`);
  }
  return [...new Set(names)] as TracesExporterName[];
}

/** OTEL_TRACES_SAMPLER (+ OTEL_TRACES_SAMPLER_ARG for the ratio ones); default parentbased_always_on. */
export interface TracesSamplerChoice {
  parentBased: boolean;
  root: 'always_on' | 'always_off' | 'traceidratio';
  ratio: number;
}

export function tracesSamplerFromEnv(env: NodeJS.ProcessEnv = process.env): TracesSamplerChoice {
  const name = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim().toLowerCase();
  const parentBased = name.startsWith('parentbased_');
  const root = parentBased ? name.slice('parentbased_'.length) : name;
  if (root !== 'always_on' && root !== 'always_off' && root !== 'traceidratio') {
    throw new Error(`OTEL_TRACES_SAMPLER: "${name}" is not supported (always_on, always_off, traceidratio, each also as parentbased_…)`);
  }
  const ratio = root === 'traceidratio' ? Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1') : 1;
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`OTEL_TRACES_SAMPLER_ARG: "${env.OTEL_TRACES_SAMPLER_ARG}" is not a ratio between 0 and 1`);
  return { parentBased, root, ratio };
}

export interface TracingOptions {
  /** `service.name` unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) says otherwise. */
  serviceName: string;
  /** Exports every ended span at once to this exporter, whatever the environment says (tests). */
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}

export interface RunningTracing {
  /** Exports what ended so far. */
  flush(): Promise<void>;
  /** Flushes, unregisters the provider and the pg instrumentation. */
  stop(): Promise<void>;
}

let running: RunningTracing | null = null;

/** Whether this process traces (startTracing ran with an exporter). */
export function tracingStarted(): boolean {
  return running !== null;
}

/**
 * Sets up tracing once per process when enabled: a tracer provider with the chosen exporters,
 * W3C trace context propagation, an AsyncLocalStorage context manager and the `pg` instrumentation
 * (SQL spans under whatever span is active). Returns null, loading nothing, when tracing is off.
 * Call it first in a process: plugins and hooks created earlier stay inert.
 */
export function startTracing(options: TracingOptions): RunningTracing | null {
  if (running) return running;
  const env = options.env ?? process.env;
  const exporters = options.exporter ? [] : tracesExportersFromEnv(env);
  if (!options.exporter && exporters.length === 0) return null;
  const samplerChoice = tracesSamplerFromEnv(env);

  // Loaded here, not imported at the top: a process that does not trace never loads the SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const sdk: typeof import('@opentelemetry/sdk-trace') = require('@opentelemetry/sdk-trace');
  const resources: typeof import('@opentelemetry/resources') = require('@opentelemetry/resources');
  const { W3CTraceContextPropagator }: typeof import('@opentelemetry/core') = require('@opentelemetry/core');
  const { AsyncLocalStorageContextManager }: typeof import('@opentelemetry/context-async-hooks') = require('@opentelemetry/context-async-hooks');
  const { PgInstrumentation }: typeof import('@opentelemetry/instrumentation-pg') = require('@opentelemetry/instrumentation-pg');

  const spanProcessors: SpanProcessor[] = options.exporter ? [new sdk.SimpleSpanProcessor({ exporter: options.exporter })] : [];
  for (const name of exporters) {
    if (name === 'console') spanProcessors.push(new sdk.SimpleSpanProcessor({ exporter: new sdk.ConsoleSpanExporter() }));
    else {
      const { OTLPTraceExporter }: typeof import('@opentelemetry/exporter-trace-otlp-http') = require('@opentelemetry/exporter-trace-otlp-http');
      // Endpoint, headers and timeout come from the standard OTEL_EXPORTER_OTLP_* variables.
      spanProcessors.push(new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
    }
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const resource = resources
    .resourceFromAttributes({ 'service.name': options.serviceName })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const rootSampler =
    samplerChoice.root === 'always_on'
      ? new sdk.AlwaysOnSampler()
      : samplerChoice.root === 'always_off'
        ? new sdk.AlwaysOffSampler()
        : new sdk.TraceIdRatioBasedSampler(samplerChoice.ratio);
  const sampler = samplerChoice.parentBased ? new sdk.ParentBasedSampler({ root: rootSampler }) : rootSampler;
  const provider = new sdk.TracerProvider({ resource, spanProcessors, sampler });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  // Only queries inside a traced request or event: the relay's and health checks' polling stays out.
  const pg = new PgInstrumentation({ requireParentSpan: true });
  pg.setTracerProvider(provider);
  patchLoadedModules(pg);

  running = {
    flush: () => provider.forceFlush(),
    stop: async () => {
      running = null;
      pg.disable();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
  return running;
}

/**
 * The instrumentation hooks `require` for modules loaded from now on; `pg` is usually loaded
 * already (the kit imports it), and jest's module registry bypasses that hook, so the loaded
 * modules are patched directly (the patch is idempotent).
 */
function patchLoadedModules(instrumentation: { getModuleDefinitions(): Array<{ name: string; patch?: (exports: unknown, version?: string) => unknown }> }): void {
  for (const definition of instrumentation.getModuleDefinitions()) {
    let exports: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      exports = require(definition.name);
    } catch {
      continue;
    }
    definition.patch?.(exports);
  }
}

const TRACER_NAME = '@hub/runtime';

/**
 * Runs `work` inside a new span (ended when it settles; a throw marks it failed). Off: just `work`,
 * without another promise around it (the gateway runs this twice per subgraph request).
 */
export function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; links?: Link[]; root?: boolean; parent?: Context },
  work: (span: Span | null) => Promise<T>,
): Promise<T> {
  if (!running) return work(null);
  return inNewSpan(name, options, work);
}

async function inNewSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; links?: Link[]; root?: boolean; parent?: Context },
  work: (span: Span | null) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = trace.getTracer(TRACER_NAME).startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links, root: options.root },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** W3C `traceparent` / `tracestate` of the active span, for a header set or a stored event. */
export function activeTraceContext(): { traceparent?: string; tracestate?: string } {
  if (!running) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Adds the active span's trace context to outgoing request headers (no-op when off). */
export function injectTraceContext(headers: Record<string, string>): void {
  if (running) propagation.inject(context.active(), headers);
}

const HEADERS_GETTER: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** The context an incoming request continues (its `traceparent`), or a fresh root. */
export function contextFromHeaders(headers: Headers): Context {
  return running ? propagation.extract(ROOT_CONTEXT, headers, HEADERS_GETTER) : ROOT_CONTEXT;
}

/** The span a stored `traceparent` names, as a link (null when absent or malformed). */
export function linkTo(traceContext: { traceparent?: string | null; tracestate?: string | null }): Link | null {
  if (!running || !traceContext.traceparent) return null;
  const carrier: Record<string, string> = { traceparent: traceContext.traceparent };
  if (traceContext.tracestate) carrier.tracestate = traceContext.tracestate;
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : null;
}

/** The context a stored `traceparent` names (to continue its trace), or undefined. */
export function contextOf(traceparent: string | null | undefined): Context | undefined {
  if (!running || !traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}
