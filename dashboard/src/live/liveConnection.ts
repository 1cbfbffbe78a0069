import { createClient, type Client } from 'graphql-ws';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionStatus {
  state: ConnectionState;
  /** How many times the socket was re-established since the page loaded. */
  reconnects: number;
}

/** A ping without a pong within this time means the socket is dead (e.g. the network went away). */
const PONG_TIMEOUT_MS = 3_000;
const KEEP_ALIVE_MS = 5_000;

/**
 * The one graphql-ws connection of the page. The token goes in `connectionParams`, read anew on
 * every (re)connect, so a reconnect after a refresh presents the fresh token. It retries for ever
 * with jittered back-off; graphql-ws then re-sends every active subscription.
 */
export class LiveConnection {
  readonly client: Client;
  private status: ConnectionStatus = { state: 'connecting', reconnects: 0 };
  private readonly listeners = new Set<() => void>();
  private socket: WebSocket | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private everConnected = false;
  private waitingForNetwork: Array<() => void> = [];

  constructor(url: string, accessToken: () => Promise<string | null>) {
    this.client = createClient({
      url,
      lazy: true,
      keepAlive: KEEP_ALIVE_MS,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: async (retries) => {
        // No attempts while the browser says it has no network; the 'online' event resumes them.
        if (!navigator.onLine) await new Promise<void>((resolve) => this.waitingForNetwork.push(resolve));
        const delay = Math.min(5_000, 250 * 2 ** Math.min(retries, 5));
        await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
      },
      connectionParams: async () => {
        const token = await accessToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      on: {
        connecting: () => this.update(!navigator.onLine ? 'offline' : this.everConnected ? 'reconnecting' : 'connecting'),
        connected: (socket) => {
          this.socket = socket as WebSocket;
          if (this.everConnected) this.status = { ...this.status, reconnects: this.status.reconnects + 1 };
          this.everConnected = true;
          this.update('connected');
        },
        closed: () => {
          this.socket = null;
          this.clearPongTimer();
          this.update(!navigator.onLine ? 'offline' : this.everConnected ? 'reconnecting' : 'connecting');
        },
        ping: (received) => {
          if (received) return;
          this.clearPongTimer();
          // 4408: graphql-ws treats it as retryable; the socket is replaced and subscriptions resume.
          this.pongTimer = setTimeout(() => this.socket?.close(4408, 'Pong timeout'), PONG_TIMEOUT_MS);
        },
        pong: (received) => {
          if (received) this.clearPongTimer();
        },
      },
    });
    window.addEventListener('offline', this.wentOffline);
    window.addEventListener('online', this.cameOnline);
  }

  /**
   * The browser lost its network: a socket may look open for a long time without carrying
   * anything, so it is closed now (4499: retryable) and replaced once the network is back.
   */
  private readonly wentOffline = () => {
    this.socket?.close(4499, 'Browser offline');
    this.update('offline');
  };

  private readonly cameOnline = () => {
    for (const resume of this.waitingForNetwork.splice(0)) resume();
    if (this.status.state === 'offline') this.update('reconnecting');
  };

  get current(): ConnectionStatus {
    return this.status;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Replaces the socket (e.g. after a token refresh: a WebSocket keeps the identity it was opened
   * with). Closing with 1000 makes graphql-ws reconnect and re-send active subscriptions, which
   * resume from their last position.
   */
  reconnect(): void {
    this.socket?.close(1000, 'Reconnecting with a new token');
  }

  dispose(): void {
    window.removeEventListener('offline', this.wentOffline);
    window.removeEventListener('online', this.cameOnline);
    this.clearPongTimer();
    void this.client.dispose();
  }

  private clearPongTimer(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  private update(state: ConnectionState): void {
    if (this.status.state === state && state !== 'connected') return;
    this.status = { ...this.status, state };
    for (const listener of this.listeners) listener();
  }
}
