import WebSocket from 'ws';
import { preciseNow, WARM_UP_SEQ } from './benchContract';

/** What the bench checks in each tick: order per tenant, and the field the subscriber asked for. */
export interface TickCheck {
  /** `item.name` (resolved by the second subgraph through the gateway) or `item.id` (direct). */
  itemField: 'name' | 'id';
  /**
   * Called for every measured, complete tick with its timestamps in order: publishedAt, emittedAt,
   * item.resolvedAt when asked for, and the receive time.
   */
  onTimestamps(stamps: readonly number[]): void;
  /**
   * Called for every measured, complete tick as it arrives, repeats and late ones included (the
   * counters here keep only ticks in order), for checks that need every arrival.
   */
  onArrival?(subscriber: SubscriberConnection, seq: number, publishedAt: number, receivedAt: number): void;
}

interface Tick {
  seq?: unknown;
  publishedAt?: unknown;
  emittedAt?: unknown;
  item?: Record<string, unknown> | null;
}

interface ServerMessage {
  type?: string;
  payload?: { data?: { ticks?: Tick } | null; errors?: unknown[] } | unknown[];
}

const SUBSCRIPTION_ID = '1';

/**
 * One subscriber: a raw `ws` socket speaking `graphql-transport-ws` (connection_init with the
 * token, one subscribe), kept deliberately cheap because 10,000 of them share two cores with the
 * gateway. It counts what arrives instead of keeping it.
 */
export class SubscriberConnection {
  private socket: WebSocket | null = null;
  /** Subscribe sent after connection_ack and not ended since. */
  subscribed = false;
  ended: string | null = null;
  /** Highest measured seq seen; ticks of one tenant arrive as 0, 1, 2, ... */
  private lastSeq = -1;
  warmedUp = false;
  /** Measured ticks that arrived complete, in order, once each. */
  received = 0;
  /** Ticks at or below an already received seq (duplicates or reordering). */
  outOfOrder = 0;
  /** Ticks with errors or without the checked field. */
  incomplete = 0;
  firstError: string | null = null;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly document: string,
    readonly tenant: number,
    private readonly check: TickCheck,
  ) {}

  get isOpen(): boolean {
    return this.subscribed && this.ended === null && this.socket?.readyState === WebSocket.OPEN;
  }

  /** Connects and subscribes; resolves once the subscribe message is sent (after connection_ack). */
  open(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url, 'graphql-transport-ws', { perMessageDeflate: false, skipUTF8Validation: true });
      this.socket = socket;
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        settle(new Error(`no connection_ack within ${timeoutMs} ms`));
        socket.terminate();
      }, timeoutMs);
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${this.token}` } }));
      });
      socket.on('message', (data: Buffer) => {
        const receivedAt = preciseNow();
        const message = JSON.parse(data.toString('utf8')) as ServerMessage;
        switch (message.type) {
          case 'next':
            this.onNext(message.payload, receivedAt);
            return;
          case 'connection_ack':
            socket.send(JSON.stringify({ id: SUBSCRIPTION_ID, type: 'subscribe', payload: { query: this.document, operationName: 'BenchTicks' } }));
            this.subscribed = true;
            settle();
            return;
          case 'ping':
            socket.send('{"type":"pong"}');
            return;
          case 'error':
            this.end(`error: ${JSON.stringify(message.payload).slice(0, 300)}`);
            return;
          case 'complete':
            this.end('completed by the server');
            return;
          default:
            return;
        }
      });
      socket.on('error', (error: Error) => {
        this.firstError ??= error.message;
        settle(error);
      });
      socket.on('close', (code: number, reason: Buffer) => {
        this.end(`socket closed ${code} ${reason.toString()}`.trim());
        settle(new Error(`socket closed (${code}) before connection_ack`));
      });
    });
  }

  /** Closes normally (1000) and resolves when the socket is closed. */
  close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000, 'bench done');
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 3_000).unref();
    });
  }

  private end(reason: string): void {
    if (this.ended === null) this.ended = reason;
  }

  private onNext(payload: ServerMessage['payload'], receivedAt: number): void {
    if (!payload || Array.isArray(payload)) return;
    const tick = payload.data?.ticks;
    const seq = tick?.seq;
    if (typeof seq !== 'number' || typeof tick?.publishedAt !== 'number') {
      this.incomplete += 1;
      this.firstError ??= JSON.stringify(payload).slice(0, 300);
      return;
    }
    if (seq === WARM_UP_SEQ) {
      this.warmedUp = true;
      return;
    }
    if (payload.errors || typeof tick.item?.[this.check.itemField] !== 'string') {
      this.incomplete += 1;
      this.firstError ??= JSON.stringify(payload).slice(0, 300);
      return;
    }
    this.check.onArrival?.(this, seq, tick.publishedAt, receivedAt);
    if (seq <= this.lastSeq) {
      this.outOfOrder += 1;
      return;
    }
    this.lastSeq = seq;
    this.received += 1;
    const resolvedAt = tick.item?.resolvedAt;
    this.check.onTimestamps(
      typeof resolvedAt === 'number' ? [tick.publishedAt, Number(tick.emittedAt), resolvedAt, receivedAt] : [tick.publishedAt, Number(tick.emittedAt), receivedAt],
    );
  }
}
