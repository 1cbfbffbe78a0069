import { fixed } from './phaseReport';
import type { RecoveryResult } from './recoveryPhase';

const ms = (value: number | null) => (value === null ? 'n/a' : `${fixed(value, 0)} ms`);

/** The detail lines of the recovery phase (the `recovery:` summary line is recoveryLine). */
export function recoveryLines(result: RecoveryResult): string[] {
  const { connect, publish, restart, deliveries } = result;
  const lines = [
    `  connected: ${connect.subscribed} / ${result.subscribers} over ${result.tenants} tenants in ${fixed(connect.seconds)} s`,
  ];
  if (connect.failures.length > 0) lines.push(`  connect failures (first): ${connect.failures.join(' | ')}`);
  lines.push(
    `  outage: SIGKILL after ${fixed(result.killedAfterSeconds)} s of publishing; restarted on port ${restart.port}, ready ${ms(restart.readyMs)} after the kill` +
      ` (process start ${ms(restart.startMs)}), first re-subscribe from the gateway ${ms(restart.resubscribedMs)} after the kill;` +
      ` ${restart.backlogRows} outbox rows unpublished just before the restart`,
    `  published: ${publish.total} events into the outbox in ${fixed(publish.seconds)} s (publisher at most ${fixed(publish.maxLagMs)} ms behind schedule, ${publish.failed} writes failed);` +
      ` ${result.writtenWhileDown} written while the subgraph was down (kill → restarted subgraph ready)`,
    `  deliveries: expected ${result.expected}, distinct received ${deliveries.distinct}, lost ${deliveries.lost} (${deliveries.subscribersMissing} subscribers missing events),` +
      ` duplicates ${deliveries.duplicates}, out of order ${deliveries.outOfOrder}, incomplete ${result.incomplete}`,
    `  after the kill: first event written after the kill delivered at ${ms(result.recoveryMs)}; every event written while down delivered by ${ms(result.backlogDeliveredMs)};` +
      ` events written after the restart: publish→client at most ${ms(result.maxLatencyAfterMs)}`,
    `  held at the end: ${result.held} (gateway counts ${result.gatewayHeld}); gateway upstream streams ${result.upstreamStreams}, held by the restarted subgraph ${result.subgraphStreams}`,
  );
  if (publish.firstError) lines.push(`  first write error: ${publish.firstError}`);
  if (Object.keys(result.endReasons).length > 0) lines.push(`  ended early: ${JSON.stringify(result.endReasons)}`);
  if (result.firstErrors.length > 0) lines.push(`  first errors: ${result.firstErrors.join(' | ')}`);
  return lines;
}

/** `recovery: X ms, lost after restart: Y`: kill → first event written after the kill reaching a subscriber; every measured event not received. */
export function recoveryLine(result: RecoveryResult): string {
  return `recovery: ${result.recoveryMs === null ? 'n/a' : fixed(result.recoveryMs, 0)} ms, lost after restart: ${result.deliveries.lost}`;
}

/** Lost or repeated events, or subscribers dropped, fail the bench whatever the timing. */
export function recoveryFailed(result: RecoveryResult): boolean {
  return result.deliveries.lost !== 0 || result.deliveries.duplicates !== 0 || result.recoveryMs === null || result.held < result.connect.subscribed || result.connect.subscribed < result.subscribers;
}
