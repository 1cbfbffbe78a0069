import type { MemoryFigures, PhaseResult } from './benchPhase';

const MB = 1024 * 1024;

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Growth of the serving process from idle to holding every subscriber, per subscriber, in KB. */
export function perSubscriberKb(result: PhaseResult, pick: (figures: MemoryFigures) => number): number {
  return (pick(result.memory.with) - pick(result.memory.before)) / result.connect.subscribed / 1024;
}

/** The lines describing one phase. */
export function phaseLines(result: PhaseResult, subscribers: number): string[] {
  const { memory, latency, publish, connect } = result;
  const lines = [
    `  connected: ${connect.subscribed} / ${subscribers} in ${fixed(connect.seconds)} s (handshake p50 ${fixed(connect.handshakeP50)} ms, p99 ${fixed(connect.handshakeP99)} ms)`,
  ];
  if (connect.failures.length > 0) lines.push(`  connect failures (first): ${connect.failures.join(' | ')}`);
  if (result.upstream) {
    const connections = Object.entries(result.upstream.connections).map(([name, count]) => `${name} ${count}`).join(', ') || 'none';
    lines.push(`  upstream connections: ${connections}; shared upstream streams: ${result.upstream.streams}; entity fetches to items: ${result.upstream.entityRequests}`);
  }
  lines.push(
    `  memory: RSS ${fixed(memory.before.rss / MB)} → ${fixed(memory.with.rss / MB)} MB = ${fixed(perSubscriberKb(result, (m) => m.rss))} KB per subscriber;` +
      ` heap ${fixed(memory.before.heapUsed / MB)} → ${fixed(memory.with.heapUsed / MB)} MB = ${fixed(perSubscriberKb(result, (m) => m.heapUsed))} KB per subscriber` +
      ` (after the run: RSS ${fixed(memory.after.rss / MB)} MB, heap ${fixed(memory.after.heapUsed / MB)} MB, external ${fixed(memory.with.external / MB)} → ${fixed(memory.after.external / MB)} MB)`,
    `  published: ${publish.total} events in ${fixed(publish.seconds)} s (${fixed(publish.total / publish.seconds)}/s; publisher at most ${fixed(publish.maxLagMs)} ms behind schedule)`,
    `  deliveries: expected ${result.expected}, received ${result.received}, lost ${result.lost}, out of order ${result.outOfOrder}, incomplete ${result.incomplete}`,
    `  latency publish→client: p50 ${fixed(latency.p50, 2)} ms, p90 ${fixed(latency.p90, 2)} ms, p99 ${fixed(latency.p99, 2)} ms, max ${fixed(latency.max, 2)} ms (${latency.samples} samples)`,
    `  latency by stage p50/p99/max: ${result.stages.map((stage) => `${stage.name} ${fixed(stage.p50, 2)}/${fixed(stage.p99, 1)}/${fixed(stage.max, 0)} ms`).join('; ')}`,
    `  held at the end: ${result.held} (server counts ${result.serverHeld})`,
  );
  if (Object.keys(result.endReasons).length > 0) lines.push(`  ended early: ${JSON.stringify(result.endReasons)}`);
  if (result.firstErrors.length > 0) lines.push(`  first errors: ${result.firstErrors.join(' | ')}`);
  const cpu = Object.entries(result.cpu);
  lines.push(`  CPU used while measuring (100% = one core): ${cpu.map(([name, value]) => `${name} ${fixed(value.busy, 0)}%`).join(', ')}`);
  const [serverRole, server] = cpu[0] ?? [];
  if (server && result.received > 0) {
    lines.push(`  ${serverRole} CPU per delivered event: ${fixed(((server.busy / 100) * result.measureSeconds * 1e6) / result.received, 1)} µs`);
  }
  lines.push(
    `  main thread runnable but waiting for a core: ${cpu.map(([name, value]) => `${name} ${fixed(value.waiting, 0)}%`).join(', ')}`,
    `  event-loop delay p99/max: ${Object.entries(result.loopDelays).map(([name, delay]) => `${name} ${fixed(delay.p99, 0)}/${fixed(delay.max, 0)} ms`).join(', ')}`,
    `  GC pauses total/max: ${Object.entries(result.loopDelays).map(([name, { gcPauses }]) => `${name} ${fixed(gcPauses.totalMs, 0)}/${fixed(gcPauses.maxMs, 0)} ms`).join(', ')}`,
  );
  return lines;
}

/** Gateway over direct: latency, and memory per subscriber. */
export function ratioLine(gateway: PhaseResult, direct: PhaseResult): string {
  const ratio = (ours: number, theirs: number) => fixed(ours / theirs, 2);
  return (
    `ratios gateway/direct: p50 ${ratio(gateway.latency.p50, direct.latency.p50)}, p99 ${ratio(gateway.latency.p99, direct.latency.p99)},` +
    ` RSS per subscriber ${ratio(perSubscriberKb(gateway, (m) => m.rss), perSubscriberKb(direct, (m) => m.rss))},` +
    ` heap per subscriber ${ratio(perSubscriberKb(gateway, (m) => m.heapUsed), perSubscriberKb(direct, (m) => m.heapUsed))}`
  );
}
