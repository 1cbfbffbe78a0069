/**
 * Which measured ticks one subscriber received, by tick `seq` (0, 1, 2, ... per tenant): enough to
 * tell a lost event (never arrived) from a duplicate (arrived again) from a reordering (arrived
 * first, but after a later one). The in-order counters of SubscriberConnection cannot: there a
 * late tick and a repeated one look the same and neither is counted as received.
 */
export class DeliveryLedger {
  /** One bit per seq. */
  private seen = new Uint8Array(64);
  private highest = -1;
  /** Ticks received at least once. */
  distinct = 0;
  /** Arrivals of a tick already received. */
  duplicates = 0;
  /** First arrivals of a tick after a higher one had arrived. */
  outOfOrder = 0;

  record(seq: number): void {
    const byte = seq >> 3;
    const bit = 1 << (seq & 7);
    if (byte >= this.seen.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    if ((this.seen[byte]! & bit) !== 0) {
      this.duplicates += 1;
      return;
    }
    this.seen[byte]! |= bit;
    this.distinct += 1;
    if (seq < this.highest) this.outOfOrder += 1;
    else this.highest = seq;
  }
}
