import { isAfterPosition, parseEventPosition } from '@hub/core';
import { isPositionMarker } from '../src/subscriptions/positionMarker';
import { clientResumePoint } from '../src/subscriptions/resumePoint';
import { sseMessage } from '../src/subscriptions/sseEventIds';
import { StreamPosition } from '../src/subscriptions/streamPosition';

const event = (position?: string) => ({ data: { n: 1 }, ...(position ? { extensions: { position } } : {}) });
const marker = (position: string) => ({ extensions: { position } });

describe('event positions', () => {
  it('parses "<log>:<seq>" and refuses anything else', () => {
    expect(parseEventPosition('risk_hub:42')).toEqual({ log: 'risk_hub', seq: 42 });
    expect(parseEventPosition('trading:0')).toEqual({ log: 'trading', seq: 0 });
    for (const bad of ['', 'risk_hub', 'risk_hub:', ':4', 'risk_hub:-1', 'risk_hub:01', 'a:1\nid: b:2', 'risk hub:1', 'x:99999999999999999']) {
      expect(parseEventPosition(bad)).toBeNull();
    }
  });

  it('orders positions of one log; other logs and malformed ones are never dropped', () => {
    expect(isAfterPosition('t:5', 't:4')).toBe(true);
    expect(isAfterPosition('t:4', 't:4')).toBe(false);
    expect(isAfterPosition('t:3', 't:4')).toBe(false);
    expect(isAfterPosition('u:1', 't:4')).toBe(true);
    expect(isAfterPosition('garbage', 't:4')).toBe(true);
  });

  it('tells markers from events by shape alone', () => {
    expect(isPositionMarker(marker('t:1'))).toBe(true);
    expect(isPositionMarker({ data: undefined, extensions: { position: 't:1' } })).toBe(false);
    expect(isPositionMarker({ errors: [{}], extensions: { position: 't:1' } })).toBe(false);
    expect(isPositionMarker({ extensions: { position: 't:1', other: true } })).toBe(false);
    expect(isPositionMarker(event('t:1'))).toBe(false);
  });
});

describe('the position of one upstream stream', () => {
  it('takes the head from the first marker, records events in place and drops duplicates', () => {
    const position = new StreamPosition();
    const sentUpstream = { extensions: { eventPositions: position.extension } };
    expect(position.classify(marker('t:10'))).toEqual({ kind: 'marker', position: 't:10' });
    expect(sentUpstream.extensions.eventPositions).toEqual({ resumeFrom: 't:10' });
    expect(position.classify(event('t:9'))).toEqual({ kind: 'skip' });
    expect(position.classify(event('t:10'))).toEqual({ kind: 'skip' });
    expect(position.classify(event('t:12'))).toEqual({ kind: 'event' });
    expect(sentUpstream.extensions.eventPositions).toEqual({ resumeFrom: 't:12' });
    expect(position.classify(event('t:11'))).toEqual({ kind: 'skip' });
  });

  it('ignores a marker once a position is known: the replay after it would otherwise be dropped', () => {
    const position = new StreamPosition('t:3');
    expect(position.classify(marker('t:20'))).toEqual({ kind: 'skip' });
    expect(position.classify(event('t:4'))).toEqual({ kind: 'event' });
    expect(position.last).toBe('t:4');
  });

  it('passes events without a position through unchanged, any number of times', () => {
    const position = new StreamPosition();
    expect(position.classify(event())).toEqual({ kind: 'event' });
    expect(position.classify(event())).toEqual({ kind: 'event' });
    expect(position.extension).toEqual({});
  });

  it('delivers an event with a malformed position but does not resume from it', () => {
    const position = new StreamPosition();
    position.classify(marker('t:1'));
    expect(position.classify(event('nonsense'))).toEqual({ kind: 'event' });
    expect(position.last).toBe('t:1');
  });
});

describe('client resume points', () => {
  const request = (headers: Record<string, string> = {}) => new Request('http://gateway.local/graphql', { headers });

  it('prefers Last-Event-ID over extensions.resumeFrom, and treats empty as absent', () => {
    expect(clientResumePoint({ request: request({ 'last-event-id': 't:7' }), params: { extensions: { resumeFrom: 't:2' } } })).toEqual({ ok: true, resumeFrom: 't:7' });
    expect(clientResumePoint({ request: request(), params: { extensions: { resumeFrom: 't:2' } } })).toEqual({ ok: true, resumeFrom: 't:2' });
    expect(clientResumePoint({ request: request({ 'last-event-id': '' }), params: {} })).toEqual({ ok: true });
  });

  it('refuses a resumeFrom that is not a short string', () => {
    expect(clientResumePoint({ params: { extensions: { resumeFrom: 7 } } }).ok).toBe(false);
    expect(clientResumePoint({ params: { extensions: { resumeFrom: 'x'.repeat(500) } } }).ok).toBe(false);
  });
});

describe('SSE messages', () => {
  it('writes the position as the event id, a marker as a bare id line', () => {
    expect(sseMessage({ data: { n: 1 }, extensions: { position: 't:5' } })).toBe('id: t:5\nevent: next\ndata: {"data":{"n":1},"extensions":{"position":"t:5"}}\n\n');
    expect(sseMessage({ extensions: { position: 't:6' } })).toBe('id: t:6\n\n');
    expect(sseMessage({ data: { n: 1 } })).toBe('event: next\ndata: {"data":{"n":1}}\n\n');
    // A position that is not one never becomes an id (it could carry line breaks).
    expect(sseMessage({ extensions: { position: 'a\nb' } })).toBe('');
  });
});
