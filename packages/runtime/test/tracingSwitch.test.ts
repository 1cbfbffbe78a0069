import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { trace } from '@opentelemetry/api';
import { activeTraceContext, inSpan, startTracing, tracesExportersFromEnv, tracesSamplerFromEnv, tracingStarted, useRequestTracing } from '../src';
import { machineTime } from '@hub/testkit/machineTime';

/**
 * The tracing switch: off by default (no provider, no SDK loaded, inert hooks), on through the
 * standard OTEL_* variables, exporting OTLP over HTTP to whatever OTEL_EXPORTER_OTLP_ENDPOINT names.
 */

const OTEL_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_SDK_DISABLED', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_SERVICE_NAME'];

/** The environment of this test without any OTEL_* setting, plus `extra`. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of OTEL_VARIABLES) delete env[name];
  return { ...env, ...extra };
}

/** In a fresh Node process (real `require`, unlike jest's registry): start tracing, list the SDK modules loaded. */
async function sdkModulesLoadedBy(env: NodeJS.ProcessEnv): Promise<{ started: boolean; sdkModules: number }> {
  const script = `
    const { startTracing } = require('@hub/runtime');
    const running = startTracing({ serviceName: 'switch-check' });
    const sdkModules = Object.keys(require.cache).filter((path) => /@opentelemetry[\\\\/](sdk-trace|exporter-|instrumentation|resources|context-async-hooks)/.test(path)).length;
    process.stdout.write(JSON.stringify({ started: running !== null, sdkModules }));
    void running?.stop();`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { cwd: resolve(__dirname, '..'), env, timeout: 60_000 });
  return JSON.parse(stdout) as { started: boolean; sdkModules: number };
}

describe('tracing switch', () => {
  it('reads the standard variables: an exporter name turns tracing on; unset, none or OTEL_SDK_DISABLED=true keep it off', () => {
    expect(tracesExportersFromEnv({})).toEqual([]);
    expect(tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
    expect(tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toEqual([]);
    expect(tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual(['otlp']);
    expect(tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp, console', OTEL_SDK_DISABLED: 'false' })).toEqual(['otlp', 'console']);
    expect(() => tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow('OTEL_TRACES_EXPORTER: "jaeger" is not supported');
    expect(() => tracesExportersFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL: "grpc"');
  });

  it('reads OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default: follow the caller, sample every root)', () => {
    expect(tracesSamplerFromEnv({})).toEqual({ parentBased: true, root: 'always_on', ratio: 1 });
    expect(tracesSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({ parentBased: true, root: 'traceidratio', ratio: 0.25 });
    expect(tracesSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' })).toEqual({ parentBased: false, root: 'always_off', ratio: 1 });
    expect(() => tracesSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow('OTEL_TRACES_SAMPLER_ARG');
    expect(() => tracesSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow('OTEL_TRACES_SAMPLER: "jaeger_remote"');
  });

  it('off: no provider is registered, spans are not recorded, hooks are inert and nothing is injected', async () => {
    expect(startTracing({ serviceName: 'off', env: environment() })).toBeNull();
    expect(tracingStarted()).toBe(false);
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    span.end();
    expect(useRequestTracing('off')).toEqual({});
    await inSpan('probe', {}, async (active) => {
      expect(active).toBeNull();
      expect(activeTraceContext()).toEqual({});
    });
  });

  it('off in a real process: the SDK is never loaded; on (console exporter) it is', async () => {
    expect(await sdkModulesLoadedBy(environment())).toEqual({ started: false, sdkModules: 0 });
    expect(await sdkModulesLoadedBy(environment({ OTEL_TRACES_EXPORTER: 'none' }))).toEqual({ started: false, sdkModules: 0 });
    const on = await sdkModulesLoadedBy(environment({ OTEL_TRACES_EXPORTER: 'console' }));
    expect(on.started).toBe(true);
    expect(on.sdkModules).toBeGreaterThan(0);
  }, machineTime(120_000));

  describe('on: OTEL_TRACES_EXPORTER=otlp sends OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    let receiver: Server;
    const received: Array<{ path: string; contentType: string | undefined; body: unknown }> = [];

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    });

    afterAll(async () => {
      await new Promise((done) => receiver.close(done));
    });

    // A real process (the exporter's transport uses dynamic imports jest's registry cannot run),
    // configured only through the environment, as a deployment does.
    it('exports the spans with the service name and the trace context the kit propagates', async () => {
      const script = `
        const { activeTraceContext, inSpan, startTracing } = require('@hub/runtime');
        const running = startTracing({ serviceName: 'ignored-when-OTEL_SERVICE_NAME-is-set' });
        inSpan('checked work', {}, async (span) => ({ traceId: span.spanContext().traceId, traceparent: activeTraceContext().traceparent, spanId: span.spanContext().spanId }))
          .then(async (seen) => { await running.stop(); process.stdout.write(JSON.stringify(seen)); });`;
      const env = environment({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
        OTEL_SERVICE_NAME: 'switch-test',
      });
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { cwd: resolve(__dirname, '..'), env, timeout: 60_000 });
      const seen = JSON.parse(stdout) as { traceId: string; spanId: string; traceparent: string };
      // What the outbox stores and the gateway sends to subgraphs: the active span's W3C context.
      expect(seen.traceparent).toBe(`00-${seen.traceId}-${seen.spanId}-01`);

      expect(received.map((request) => [request.path, request.contentType])).toEqual([['/v1/traces', 'application/json']]);
      const body = received[0]!.body as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{ spans: Array<{ name: string; traceId: string; spanId: string }> }>;
        }>;
      };
      const [resourceSpans] = body.resourceSpans;
      expect(resourceSpans!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'switch-test' } });
      expect(resourceSpans!.scopeSpans.flatMap((scope) => scope.spans).map((span) => [span.name, span.traceId, span.spanId])).toEqual([
        ['checked work', seen.traceId, seen.spanId],
      ]);
    }, 120_000);
  });
});
