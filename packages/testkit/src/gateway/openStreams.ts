/**
 * The open source streams of a fixture subgraph, per tenant: a stream counts from the moment its
 * subscribe resolver has it in place until it ends (done, or returned when the subscription or
 * its socket goes). Tests wait on this, not on Redis listing the subscription: Redis counts a
 * SUBSCRIBE before the subscribing process delivers on it.
 */
export class OpenStreams {
  private readonly byTenant = new Map<string, number>();

  open(tenant: string): number {
    return this.byTenant.get(tenant) ?? 0;
  }

  track<T>(tenant: string, stream: AsyncIterableIterator<T>): AsyncIterableIterator<T> {
    this.count(tenant, 1);
    let counted = true;
    const release = () => {
      if (counted) this.count(tenant, -1);
      counted = false;
    };
    const tracked: AsyncIterableIterator<T> = {
      next: async () => {
        const result = await stream.next();
        if (result.done) release();
        return result;
      },
      return: async (value?: unknown) => {
        release();
        return stream.return ? stream.return(value) : { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => tracked,
    };
    return tracked;
  }

  private count(tenant: string, delta: number): void {
    const open = this.open(tenant) + delta;
    if (open > 0) this.byTenant.set(tenant, open);
    else this.byTenant.delete(tenant);
  }
}
