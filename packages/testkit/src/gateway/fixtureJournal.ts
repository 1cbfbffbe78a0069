import { GraphQLError } from 'graphql';
import { parseEventPosition } from '@hub/core';
import { OpenStreams } from './openStreams';
import { PositionedEvent, SourceMarker } from './positionedEvents';

/** The log name in this journal's positions ("fixture:<seq>"). */
export const JOURNAL_LOG = 'fixture';

export interface JournalEntry {
  seq: number;
  tenant: string;
  itemId: string;
}

export function journalPosition(seq: number): string {
  return `${JOURNAL_LOG}:${seq}`;
}

/**
 * An outbox in miniature for the fixture `events` subgraph: one sequence across tenants (so a
 * tenant's sequence has gaps, as with a real outbox), retention, and replay after a position. It
 * lives in the test process outside any server, so it outlasts a subgraph restart like a table.
 */
export class FixtureJournal {
  private entries: JournalEntry[] = [];
  private last = 0;
  /** Everything at or before this was dropped by retention. */
  private horizon = 0;
  /** Replays repeat this many of the tenant's entries before the resume point (a sloppy seam). */
  replayOverlap = 0;
  /** Open streams by tenant, counted once their head is taken. */
  private readonly streams = new OpenStreams();

  get head(): number {
    return this.last;
  }

  append(tenant: string, itemId: string): JournalEntry {
    const entry = { seq: ++this.last, tenant, itemId };
    this.entries.push(entry);
    return entry;
  }

  /**
   * Streams of the tenant that have taken their head: an entry appended from now on reaches them.
   * Before that, an entry counts as before the stream's start even while its bus subscription is live.
   */
  openStreams(tenant: string): number {
    return this.streams.open(tenant);
  }

  /** Retention passes: every entry so far is forgotten. */
  forgetAll(): void {
    this.horizon = this.last;
    this.entries = [];
  }

  /** The sequence a `resumeFrom` asks to replay after, or the contract's refusal. */
  resumeAfter(resumeFrom: unknown): number {
    const position = typeof resumeFrom === 'string' ? parseEventPosition(resumeFrom) : null;
    if (!position) throw new GraphQLError(`Malformed resume point ${JSON.stringify(resumeFrom)}`, { extensions: { code: 'BAD_USER_INPUT' } });
    if (position.log !== JOURNAL_LOG || position.seq > this.last || position.seq < this.horizon) {
      throw new GraphQLError('The resume point is no longer available; refetch the current state and subscribe again', {
        extensions: { code: 'RESUME_POINT_EXPIRED' },
      });
    }
    return position.seq;
  }

  /**
   * The source stream of one subscription, opened after its live bus subscription is in place:
   * a marker with the head (when positions are tracked), the tenant's entries after `after` up
   * to the head, then live entries past the head.
   */
  stream(tenant: string, live: AsyncIterableIterator<unknown>, options: { after?: number; marker: boolean }): AsyncIterableIterator<unknown> {
    const head = this.last;
    const initial: unknown[] = [];
    if (options.marker) initial.push(new SourceMarker(journalPosition(head)));
    if (options.after !== undefined) {
      const mine = this.entries.filter((entry) => entry.tenant === tenant && entry.seq <= head);
      const after = options.after;
      const firstAfter = mine.findIndex((entry) => entry.seq > after);
      const from = Math.max(0, (firstAfter < 0 ? mine.length : firstAfter) - this.replayOverlap);
      for (const entry of mine.slice(from)) initial.push(new PositionedEvent(journalPosition(entry.seq), entry));
    }
    const iterator: AsyncIterableIterator<unknown> = {
      next: async () => {
        if (initial.length > 0) return { value: initial.shift(), done: false };
        for (;;) {
          const next = await live.next();
          if (next.done) return next;
          const entry = next.value as JournalEntry;
          // Published before the stream started: replayed above, or not this stream's business.
          if (entry.seq <= head) continue;
          return { value: new PositionedEvent(journalPosition(entry.seq), entry), done: false };
        }
      },
      return: async () => {
        await live.return?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return this.streams.track(tenant, iterator);
  }
}
