import { CLOSE_TRY_AGAIN_LATER } from './webSocketCloseCodes';

/** The WebSocket a subscription arrived on, as the WebSocket transport puts it into the context (none over SSE). */
export interface SocketContext {
  socket?: { close(code: number, reason: string): void; readonly bufferedAmount: number };
}

/** Whether the subscription arrived over WebSocket (SSE subscribers get position markers instead). */
export function overWebSocket(context: SocketContext): boolean {
  return context.socket !== undefined;
}

/**
 * Node accepts writes into its own socket buffer without limit; what a slow WebSocket client has
 * not taken yet is visible only here.
 */
export function socketBackedUp(context: SocketContext, maxBufferedBytes: number): boolean {
  return (context.socket?.bufferedAmount ?? 0) > maxBufferedBytes;
}

/** A slow WebSocket client is disconnected (1013: it may come back): its socket buffer is what is backing up. */
export function disconnectSlowConsumer(context: SocketContext): void {
  context.socket?.close(CLOSE_TRY_AGAIN_LATER, 'Subscriber too slow');
}
