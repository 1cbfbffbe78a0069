/**
 * Latency samples in milliseconds, appended without per-sample allocation (a growing
 * Float64Array): a full run records 600,000 deliveries on the same cores the gateway uses.
 */
export class LatencySamples {
  private buffer = new Float64Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(milliseconds: number): void {
    if (this.count === this.buffer.length) {
      const grown = new Float64Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.count++] = milliseconds;
  }

  /** A copy of the samples recorded so far (to send over IPC). */
  snapshot(): Float64Array {
    return this.buffer.slice(0, this.count);
  }
}

/** Nearest-rank percentile of ascending `sorted` samples. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** All processes' samples in one ascending array. */
export function mergeSorted(parts: readonly Float64Array[]): Float64Array {
  const merged = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    merged.set(part, offset);
    offset += part.length;
  }
  return merged.sort();
}
