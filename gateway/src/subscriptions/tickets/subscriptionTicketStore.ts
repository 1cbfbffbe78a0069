import type Redis from 'ioredis';

/** What a ticket stands for: one access token, bound to its subject, tenant and expiry. */
export interface SubscriptionTicket {
  /** The bearer token the stream runs with (verified again, denylist included, when redeemed). */
  token: string;
  userId: string;
  orgId: string;
  /** Epoch ms after which the ticket is refused (never later than the token's own expiry). */
  expiresAtMs: number;
}

/**
 * Single-use tickets: `take` hands a ticket out at most once, also across gateway replicas (Redis
 * GETDEL), and never after its expiry.
 */
export interface SubscriptionTicketStore {
  put(id: string, ticket: SubscriptionTicket): Promise<void>;
  take(id: string): Promise<SubscriptionTicket | null>;
  close(): Promise<void>;
}

const KEY_PREFIX = 'hub:gateway:subscription-ticket:';

export function redisSubscriptionTicketStore(redis: Redis): SubscriptionTicketStore {
  return {
    put: async (id, ticket) => {
      const ttlMs = Math.max(1, ticket.expiresAtMs - Date.now());
      await redis.set(KEY_PREFIX + id, JSON.stringify(ticket), 'PX', ttlMs);
    },
    take: async (id) => {
      const raw = await redis.getdel(KEY_PREFIX + id);
      if (!raw) return null;
      const ticket = JSON.parse(raw) as SubscriptionTicket;
      return ticket.expiresAtMs > Date.now() ? ticket : null;
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

/** One gateway replica only (no REDIS_URL): tickets live in this process. */
export function inProcessSubscriptionTicketStore(): SubscriptionTicketStore {
  const tickets = new Map<string, SubscriptionTicket>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, ticket] of tickets) if (ticket.expiresAtMs <= now) tickets.delete(id);
  }, 10_000);
  sweep.unref();
  return {
    put: async (id, ticket) => {
      tickets.set(id, ticket);
    },
    take: async (id) => {
      const ticket = tickets.get(id);
      tickets.delete(id);
      return ticket && ticket.expiresAtMs > Date.now() ? ticket : null;
    },
    close: async () => clearInterval(sweep),
  };
}
