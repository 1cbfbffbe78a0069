import { parseEventPosition } from '@hub/runtime';

/** The parts of a subscription's context a resume point can come from. */
interface ResumeSource {
  /** GraphQL params: the WebSocket subscribe payload, or the HTTP request's params. */
  params?: { extensions?: Record<string, unknown> | null };
  /** The HTTP request (WebSocket operations carry a synthetic one without Last-Event-ID). */
  request?: Request;
}

export type ResumePoint = { ok: true; resumeFrom?: string } | { ok: false; message: string };

/** Longer than any "<log>:<seq>"; it only bounds what goes into stream keys and upstream. */
const MAX_LENGTH = 200;

/**
 * Where a client asks to resume: SSE's `Last-Event-ID` header, else `extensions.resumeFrom` (WebSocket
 * or HTTP). The header wins: an EventSource reconnecting re-sends its original URL (with whatever
 * resumeFrom it started with) plus the id of the last event it actually received. A malformed
 * point is refused here (BAD_USER_INPUT); whether a well-formed one can still be served is for the
 * owning subgraph to say (RESUME_POINT_EXPIRED).
 */
export function clientResumePoint(source: ResumeSource): ResumePoint {
  const header = source.request?.headers.get('last-event-id');
  const requested = header ? header : source.params?.extensions?.resumeFrom;
  if (requested === undefined || requested === null || requested === '') return { ok: true };
  if (typeof requested !== 'string' || requested.length > MAX_LENGTH) {
    return { ok: false, message: `resumeFrom must be an event position string of at most ${MAX_LENGTH} characters` };
  }
  if (parseEventPosition(requested) === null) return { ok: false, message: 'resumeFrom / Last-Event-ID is not an event position ("<log>:<sequence>")' };
  return { ok: true, resumeFrom: requested };
}
