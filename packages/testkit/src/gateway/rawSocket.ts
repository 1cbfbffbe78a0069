import WebSocket from 'ws';
import { eventually } from '../eventually';

/** A raw graphql-transport-ws socket: sends exactly what a test says, records what comes back. */
export class RawSocket {
  readonly messages: Array<Record<string, unknown>> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;

  constructor(url: string, protocol: string | null = 'graphql-transport-ws') {
    this.socket = new WebSocket(url.replace(/^http/, 'ws'), protocol ? [protocol] : []);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Record<string, unknown>));
    this.closed = new Promise((resolve) => this.socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  async send(message: unknown): Promise<void> {
    await this.opened;
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async init(token?: string): Promise<void> {
    await this.send({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
    await this.waitFor((message) => message.type === 'connection_ack');
  }

  async waitFor(match: (message: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await eventually(() => (found = this.messages.find(match)) !== undefined, timeoutMs, 'a matching message').catch(() => {
      throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`);
    });
    return found!;
  }

  close(): void {
    this.socket.terminate();
  }
}
