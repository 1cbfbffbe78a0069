/**
 * Positions of events the gateway numbers (`extensions.position`, "<log>:<seq>"). Per log the
 * highest sequence seen; an event at or below it was already shown (a replay overlapping what
 * arrived live) and is dropped, so a resumed stream shows every event exactly once.
 */
export class StreamPositions {
  private readonly highest = new Map<string, number>();
  private latest: string | null = null;

  /** The position to resume from after a drop: the last one accepted. */
  get resumePoint(): string | null {
    return this.latest;
  }

  /** Records the position; false when the event is not new. Events without a position always pass. */
  accept(position: unknown): boolean {
    if (typeof position !== 'string') return true;
    const separator = position.lastIndexOf(':');
    const log = position.slice(0, separator);
    const sequence = Number(position.slice(separator + 1));
    if (separator < 0 || !Number.isFinite(sequence)) return true;
    const previous = this.highest.get(log);
    if (previous !== undefined && sequence <= previous) return false;
    this.highest.set(log, sequence);
    this.latest = position;
    return true;
  }

  /** Forgets the resume point (after RESUME_POINT_EXPIRED: the caller refetches instead). */
  reset(): void {
    this.highest.clear();
    this.latest = null;
  }
}
