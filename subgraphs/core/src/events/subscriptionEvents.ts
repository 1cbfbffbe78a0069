import {
  BadUserInputError,
  type CloudEventEnvelope,
  type EventBus,
  formatEventPosition,
  openBusSubscription,
  parseEventPosition,
  ResumePointExpiredError,
} from '@hub/runtime';
import { filterEvents } from './filterEvents';
import { OutboxEventLog, type EventLogFilter } from './outboxEventLog';

/** Rows read per replay query; live events wait in the bus buffer meanwhile. */
const REPLAY_PAGE = 500;

/**
 * What a subscribe request asked of the event log (`extensions.eventPositions` of the operation):
 * the gateway sends it to learn positions and to resume after a dropped connection.
 */
export interface EventStreamRequest {
  /** The caller tracks positions: it gets the start position first (see useEventPositions). */
  positionsRequested: boolean;
  /** Replay everything after this position before going live (unparsed: checked on open). */
  resumeFrom?: unknown;
}

/** Reads `extensions.eventPositions` of a GraphQL request; anything else means "live only". */
export function eventStreamRequestOf(extensions: unknown): EventStreamRequest {
  const positions = (extensions as { eventPositions?: unknown } | null | undefined)?.eventPositions;
  if (typeof positions !== 'object' || positions === null) return { positionsRequested: false };
  const resumeFrom = (positions as { resumeFrom?: unknown }).resumeFrom;
  return { positionsRequested: true, ...(resumeFrom !== undefined && resumeFrom !== null ? { resumeFrom } : {}) };
}

export interface TenantEventFilter {
  /** Event types to follow (outbox `type`s). */
  types: readonly string[];
  /** The subscriber's organization: only its events, never another tenant's. */
  orgId: string;
  /** Also follow tenant-less (global) events of these types. */
  includeGlobal?: boolean;
}

/**
 * One subscribe request's access to the subgraph's events. Live events come from the tenant's
 * pub/sub channels; when the request asks for positions, the stream starts from a numbered point
 * of the outbox log instead: the log is replayed after it (as the subscriber's tenant), then the
 * stream goes live, dropping live events the replay already delivered, so nothing is missed or
 * repeated at the seam.
 */
export class SubscriptionEvents {
  /** Position the stream started from (sent to the caller first); set by `open`. */
  startPosition: string | null = null;

  constructor(
    private readonly bus: EventBus | undefined,
    readonly log: OutboxEventLog | undefined,
    readonly request: EventStreamRequest,
  ) {}

  /** The tenant's events; resolves once nothing published from now on can be missed. */
  async open(options: TenantEventFilter): Promise<AsyncIterableIterator<CloudEventEnvelope>> {
    if (!this.bus) throw new Error('This subgraph has no event bus');
    const filter: EventLogFilter = { orgId: options.orgId, types: options.types, includeGlobal: options.includeGlobal ?? false };
    const log = this.log;
    if (!log || !this.request.positionsRequested) {
      return (await openBusSubscription(this.bus, OutboxEventLog.channelsOf(filter))) as AsyncIterableIterator<CloudEventEnvelope>;
    }
    // Read before subscribing: whatever is published in between is in the log, so the replay has it.
    const from = this.request.resumeFrom === undefined ? await log.publishedHead(filter) : await this.resumePoint(log, filter);
    const live = (await openBusSubscription(this.bus, OutboxEventLog.channelsOf(filter))) as AsyncIterableIterator<CloudEventEnvelope>;
    this.startPosition = formatEventPosition({ log: log.name, seq: from });
    return replayThenLive(log, filter, from, live);
  }

  /** The tenant's events narrowed by a predicate (e.g. one aggregate). */
  async filtered<TEvent extends CloudEventEnvelope>(
    options: TenantEventFilter,
    accept: (event: CloudEventEnvelope) => event is TEvent,
  ): Promise<AsyncIterableIterator<TEvent>> {
    return filterEvents(await this.open(options), accept);
  }

  private async resumePoint(log: OutboxEventLog, filter: EventLogFilter): Promise<number> {
    const position = parseEventPosition(this.request.resumeFrom);
    if (!position) throw new BadUserInputError('resumeFrom is not an event position ("<log>:<sequence>")', { field: 'resumeFrom' });
    if (position.log !== log.name) {
      throw new ResumePointExpiredError('This resume point belongs to another event log; refetch the current state and subscribe again', {
        reason: 'UNKNOWN',
      });
    }
    await log.assertResumable(filter, position.seq);
    return position.seq;
  }
}

function replayThenLive(
  log: OutboxEventLog,
  filter: EventLogFilter,
  from: number,
  live: AsyncIterableIterator<CloudEventEnvelope>,
): AsyncIterableIterator<CloudEventEnvelope> {
  let last = from;
  let page: CloudEventEnvelope[] = [];
  let replaying = true;
  let closed = false;
  const finished = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<CloudEventEnvelope> = {
    async next() {
      // Replay page by page until the log has nothing more after `last`; live events wait in the bus buffer.
      while (replaying && !closed) {
        if (page.length === 0) page = await log.readAfter(filter, last, REPLAY_PAGE);
        const event = page.shift();
        if (!event) {
          replaying = false;
          break;
        }
        last = event.sequence ?? last;
        return { done: false, value: event };
      }
      for (;;) {
        if (closed) return finished();
        const result = await live.next();
        if (result.done) return finished();
        const sequence = result.value.sequence;
        // Delivered by the replay already (or published twice after a relay retry).
        if (sequence !== undefined && sequence <= last) continue;
        if (sequence !== undefined) last = sequence;
        return { done: false, value: result.value };
      }
    },
    async return() {
      closed = true;
      await live.return?.();
      return finished();
    },
    async throw(error?: unknown) {
      closed = true;
      await live.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
