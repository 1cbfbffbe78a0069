/** What one subscriber process saw of the ticks written after the kill. */
export interface RecoveryArrivalsReport {
  /** Arrivals (any subscriber of this process) of ticks written at or after the kill. */
  arrivals: number;
  /** Earliest arrival of a tick written at or after the kill (preciseNow clock); null if none. */
  firstAt: number | null;
  /** Latest arrival of a tick written while the subgraph was down, in [killedAt, downUntil). */
  backlogDoneAt: number | null;
  /** Largest write→arrival time of a tick written after the subgraph was back (ms). */
  maxLatencyAfterMs: number | null;
}

/**
 * Arrival times of the ticks written after the subgraph was killed, for every subscriber of one
 * process. Only publish and arrival times are kept (two doubles per arrival, from the kill on), and
 * figures are computed when asked, because when the subgraph was back is known only later, possibly
 * after the first resumed events arrived.
 */
export class RecoveryArrivals {
  private killedAt = Number.POSITIVE_INFINITY;
  private published = new Float64Array(4_096);
  private received = new Float64Array(4_096);
  private count = 0;

  /** From now on, ticks written at or after `killedAt` are recorded. */
  mark(killedAt: number): void {
    this.killedAt = killedAt;
  }

  record(publishedAt: number, receivedAt: number): void {
    if (publishedAt < this.killedAt) return;
    if (this.count === this.published.length) {
      this.published = grow(this.published);
      this.received = grow(this.received);
    }
    this.published[this.count] = publishedAt;
    this.received[this.count] = receivedAt;
    this.count += 1;
  }

  /** `downUntil`: when the restarted subgraph was ready (ticks written before it queued in the outbox). */
  report(downUntil: number): RecoveryArrivalsReport {
    let firstAt: number | null = null;
    let backlogDoneAt: number | null = null;
    let maxLatencyAfterMs: number | null = null;
    for (let index = 0; index < this.count; index += 1) {
      const publishedAt = this.published[index]!;
      const receivedAt = this.received[index]!;
      firstAt = firstAt === null ? receivedAt : Math.min(firstAt, receivedAt);
      if (publishedAt < downUntil) backlogDoneAt = backlogDoneAt === null ? receivedAt : Math.max(backlogDoneAt, receivedAt);
      else maxLatencyAfterMs = Math.max(maxLatencyAfterMs ?? 0, receivedAt - publishedAt);
    }
    return { arrivals: this.count, firstAt, backlogDoneAt, maxLatencyAfterMs };
  }
}

function grow(values: Float64Array) {
  const grown = new Float64Array(values.length * 2);
  grown.set(values);
  return grown;
}
