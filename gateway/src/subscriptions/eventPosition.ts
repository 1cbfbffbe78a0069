/**
 * Event positions "<log>:<seq>" as fixed by the issue 9 contract. A stand-in with the same
 * signatures as core's helper (subgraphs/core/src/events/eventPosition.ts), to be swapped for it
 * once that lands.
 */
export interface EventPosition {
  log: string;
  seq: number;
}

// The log is an outbox schema name. Sequence 0 is accepted: a log nothing was committed to yet
// reports head 0 in its marker.
const POSITION = /^([A-Za-z_][A-Za-z0-9_]*):(0|[1-9][0-9]{0,15})$/;

/** The parts of a position, or null when it is malformed. */
export function parseEventPosition(text: string): EventPosition | null {
  const match = POSITION.exec(text);
  if (!match) return null;
  const seq = Number(match[2]);
  return Number.isSafeInteger(seq) ? { log: match[1]!, seq } : null;
}

export function formatEventPosition(position: EventPosition): string {
  return `${position.log}:${position.seq}`;
}

/**
 * True unless `candidate` is provably not after `last` (same log, sequence not larger). Different
 * logs or a malformed side count as "after": dropping an event needs proof it was seen.
 */
export function isAfterPosition(candidate: string, last: string): boolean {
  const next = parseEventPosition(candidate);
  const previous = parseEventPosition(last);
  if (!next || !previous || next.log !== previous.log) return true;
  return next.seq > previous.seq;
}
