import { isAfterPosition, parseEventPosition } from '@hub/runtime';
import { isPositionMarker, positionOf } from './positionMarker';
import type { UpstreamEvent } from './subscriptionEventExecution';

/** `extensions.eventPositions` of an upstream subscribe payload. */
export interface EventPositionsExtension {
  resumeFrom?: string;
}

/** What to do with one upstream payload. */
export type PositionVerdict =
  /** Deliver it (it is after the last position, or carries none: subgraphs without positions). */
  | { kind: 'event' }
  /** A marker that set the stream's position: pass it on to subscribers that want markers. */
  | { kind: 'marker'; position: string }
  /** A duplicate event, or a marker that adds nothing. */
  | { kind: 'skip' };

/**
 * The position of one upstream stream. Its `extension` object is put into the subscribe payload
 * itself: graphql-ws re-sends that same payload object when it re-subscribes after a dropped
 * connection, so keeping `resumeFrom` up to date in place makes the subgraph replay exactly what
 * the gateway has not seen. Events at or before the last position are dropped (dedupe).
 */
export class StreamPosition {
  readonly extension: EventPositionsExtension;

  /** `resumeFrom`: where a resuming client left off (the stream starts there). */
  constructor(resumeFrom?: string) {
    this.extension = resumeFrom === undefined ? {} : { resumeFrom };
  }

  /** The last position seen (or resumed from); undefined until the first marker or event. */
  get last(): string | undefined {
    return this.extension.resumeFrom;
  }

  classify(payload: UpstreamEvent): PositionVerdict {
    const position = positionOf(payload);
    if (position === undefined) return { kind: 'event' };
    const last = this.extension.resumeFrom;
    if (isPositionMarker(payload)) {
      // A marker only matters while nothing is known. Once a position is known the stream is (or
      // is about to be) replaying after it, and the subgraph sends its head marker BEFORE that
      // replay: taking the head would drop the replayed events as duplicates.
      if (last !== undefined || parseEventPosition(position) === null) return { kind: 'skip' };
      this.extension.resumeFrom = position;
      return { kind: 'marker', position };
    }
    if (last !== undefined && !isAfterPosition(position, last)) return { kind: 'skip' };
    // A malformed position is delivered but not recorded: resuming from it would only be refused.
    if (parseEventPosition(position) !== null) this.extension.resumeFrom = position;
    return { kind: 'event' };
  }
}
