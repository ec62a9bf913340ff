/**
 * Every delivery of one producer's messages to one ledger scope, kept compactly for the
 * ordering check (ordering.ts): per seq the first delivery, in typed-array pages indexed by
 * seq (8 bytes a message), and every other delivery in a growable list (12 bytes each).
 *
 * "First" is decided by the receipt's own time, ties by arrival at the coordinator, not by
 * arrival alone: receipts from two workers of one group can reach the coordinator in either
 * order. A delivery that turns out earlier than the kept one takes its slot, and the kept one
 * moves to the list, so the slots end as the first deliveries whatever the arrival order.
 *
 * Times are milliseconds since the tracker's epoch in 32 bits (49 days); arrivals are the
 * coordinator's receipt counter (32 bits: four billion receipts a run).
 */
const PAGE_SLOTS = 1 << 14;
/** A slot's time when the seq was never delivered. */
const NOT_DELIVERED = 0xffffffff;
/** The latest time a delivery can carry (one below NOT_DELIVERED). */
export const MAX_DELIVERY_TIME = NOT_DELIVERED - 1;

interface Page {
  at: Uint32Array;
  arrival: Uint32Array;
}

/** A delivery's place in delivery order: its time, then its arrival. */
export function deliveredBefore(at: number, arrival: number, otherAt: number, otherArrival: number): boolean {
  return at < otherAt || (at === otherAt && arrival < otherArrival);
}

/** Deliveries that were not the first of their seq: seq, time and arrival in parallel arrays. */
export class LaterDeliveries {
  private seqs = new Uint32Array(64);
  private ats = new Uint32Array(64);
  private arrivals = new Uint32Array(64);
  length = 0;

  push(seq: number, at: number, arrival: number): void {
    if (this.length === this.seqs.length) {
      this.seqs = grow(this.seqs);
      this.ats = grow(this.ats);
      this.arrivals = grow(this.arrivals);
    }
    this.seqs[this.length] = seq;
    this.ats[this.length] = at;
    this.arrivals[this.length] = arrival;
    this.length++;
  }

  seqAt(i: number): number {
    return this.seqs[i]!;
  }

  timeAt(i: number): number {
    return this.ats[i]!;
  }

  arrivalAt(i: number): number {
    return this.arrivals[i]!;
  }

  get bytes(): number {
    return this.seqs.byteLength + this.ats.byteLength + this.arrivals.byteLength;
  }
}

function grow(array: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const bigger = new Uint32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

export class FirstDeliveries {
  private readonly pages: (Page | undefined)[] = [];
  readonly later = new LaterDeliveries();
  /** The highest seq delivered; -1 before any. */
  maxSeq = -1;

  /** `at` in 0..MAX_DELIVERY_TIME; `arrival` grows with every call. */
  record(seq: number, at: number, arrival: number): void {
    const page = this.pageOf(seq);
    const slot = seq % PAGE_SLOTS;
    const keptAt = page.at[slot]!;
    if (keptAt === NOT_DELIVERED) {
      page.at[slot] = at;
      page.arrival[slot] = arrival;
      this.maxSeq = Math.max(this.maxSeq, seq);
      return;
    }
    const keptArrival = page.arrival[slot]!;
    if (deliveredBefore(at, arrival, keptAt, keptArrival)) {
      this.later.push(seq, keptAt, keptArrival);
      page.at[slot] = at;
      page.arrival[slot] = arrival;
    } else {
      this.later.push(seq, at, arrival);
    }
  }

  /** The first delivery's time, or undefined when `seq` was never delivered. */
  firstTime(seq: number): number | undefined {
    const at = this.pages[Math.floor(seq / PAGE_SLOTS)]?.at[seq % PAGE_SLOTS];
    return at === undefined || at === NOT_DELIVERED ? undefined : at;
  }

  /** The first delivery's arrival; only meaningful when firstTime is defined. */
  firstArrival(seq: number): number {
    return this.pages[Math.floor(seq / PAGE_SLOTS)]?.arrival[seq % PAGE_SLOTS] ?? 0;
  }

  get bytes(): number {
    let total = this.later.bytes;
    for (const page of this.pages) if (page) total += page.at.byteLength + page.arrival.byteLength;
    return total;
  }

  private pageOf(seq: number): Page {
    const index = Math.floor(seq / PAGE_SLOTS);
    let page = this.pages[index];
    if (!page) {
      page = { at: new Uint32Array(PAGE_SLOTS).fill(NOT_DELIVERED), arrival: new Uint32Array(PAGE_SLOTS) };
      this.pages[index] = page;
    }
    return page;
  }
}
