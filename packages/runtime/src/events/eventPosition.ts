/**
 * Where an event stands in a subgraph's event log: "<log>:<seq>". The log is the subgraph's outbox
 * (its schema name); the sequence is assigned by the outbox relay in publish order, so it grows
 * per tenant and per channel (with gaps: other tenants' events share the counter).
 */
export interface EventPosition {
  readonly log: string;
  readonly seq: number;
}

const POSITION = /^([a-z][a-z0-9_]*):(0|[1-9][0-9]{0,14})$/;

/** Null for anything that is not a well-formed position (callers turn that into BAD_USER_INPUT). */
export function parseEventPosition(text: unknown): EventPosition | null {
  if (typeof text !== 'string') return null;
  const match = POSITION.exec(text);
  if (!match) return null;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) ? { log: match[1]!, seq } : null;
}

export function formatEventPosition(position: EventPosition): string {
  return `${position.log}:${position.seq}`;
}

/**
 * True unless `candidate` is provably not newer than `last` (same log, sequence not larger).
 * Positions of different logs or malformed ones cannot be compared, so they are never dropped.
 */
export function isAfterPosition(candidate: string, last: string): boolean {
  const next = parseEventPosition(candidate);
  const previous = parseEventPosition(last);
  if (!next || !previous || next.log !== previous.log) return true;
  return next.seq > previous.seq;
}

/** Where a subscription payload that is not itself an outbox envelope keeps its event's sequence. */
const EVENT_SEQUENCE = Symbol('hub.eventSequence');

/** Marks `payload` as produced by the event with `sequence` (returns the payload). */
export function withEventSequence<T extends object>(payload: T, sequence: number | undefined): T {
  if (sequence !== undefined) Object.defineProperty(payload, EVENT_SEQUENCE, { value: sequence, enumerable: false });
  return payload;
}

/** The sequence of the event a payload came from: a marked payload, or an outbox envelope itself. */
export function eventSequenceOf(payload: unknown): number | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const marked = (payload as { [EVENT_SEQUENCE]?: unknown })[EVENT_SEQUENCE];
  if (typeof marked === 'number') return marked;
  const envelope = payload as { specversion?: unknown; sequence?: unknown };
  return envelope.specversion === '1.0' && typeof envelope.sequence === 'number' ? envelope.sequence : undefined;
}
