/**
 * A Jepsen-style ordering check for ordered producers. An ordered producer gives message
 * `seq` the sharding key `seq % shardingKeys`, and messages of one key go to one queue, so
 * each consumer scope (a clustering group, or one broadcasting instance) must see each key's
 * messages in the order they were sent.
 *
 * Per (scope, producer, key) the first deliveries, ordered by the receipt's time (ties by
 * arrival at the coordinator, which within one worker is delivery order), must follow seq:
 * a first delivery whose seq is below one already first-delivered is `reordered`, its gap the
 * difference to the highest seq delivered before it. A later delivery of a seq after a higher
 * seq of its key was first-delivered is `redeliveredOutOfOrder`: the replay after a
 * rebalance or a crash, counted apart because at-least-once allows it.
 *
 * Receipts reach the coordinator out of time order across workers, so nothing is decided on
 * arrival: deliveries are kept (first-deliveries.ts) and judged once the run is over. Only
 * acknowledged messages count; unordered producers are not tracked at all.
 */
import { deliveredBefore, FirstDeliveries, MAX_DELIVERY_TIME } from './first-deliveries.ts';
import type { ReceiptColumns } from './receipt-columns.ts';

/** How many keys are listed by name (`producer/key`) in a result. */
export const KEYS_LISTED = 20;

/** Reorderings of one scope that fell in one fault window (or phase), by delivery time. */
export interface OrderingWindowCell {
  window: string;
  reordered: number;
  redeliveredOutOfOrder: number;
}

/** One scope's ordering verdict; `checked` is false when no ordered producer feeds it. */
export interface OrderingResult {
  checked: boolean;
  /** First deliveries whose seq is below an already first-delivered seq of the same key. */
  reordered: number;
  /** Keys with a reordering, all of them. */
  keysAffected: number;
  /** Up to KEYS_LISTED of those keys, `producer/key`, in producer then key order. */
  keys: string[];
  /** The largest seq difference of a reordering: how far back the late message was. */
  worstGap: number;
  /** Later deliveries of a seq after a higher seq of its key was first-delivered. */
  redeliveredOutOfOrder: number;
  /** Both counts by the window (else phase) their delivery fell in, in order of the first one. */
  byWindow: OrderingWindowCell[];
}

export const UNCHECKED_ORDERING: OrderingResult = {
  checked: false,
  reordered: 0,
  keysAffected: 0,
  keys: [],
  worstGap: 0,
  redeliveredOutOfOrder: 0,
  byWindow: [],
};

/** What judging one scope needs from the rest of the run. */
export interface OrderingContext {
  /** The broker acknowledged this message (only those count). */
  isAcked(producerId: string, seq: number): boolean;
  /** The scope is meant to receive this producer's messages (its topic and tags). */
  feeds(producerId: string): boolean;
  /** The fault window (else phase) a delivery at epoch ms `at` belongs to. */
  windowAt(at: number): string;
}

export class OrderingCheck {
  private readonly shardingKeys = new Map<string, number>();
  /** scope → producer → its deliveries to that scope. */
  private readonly scopes = new Map<string, Map<string, FirstDeliveries>>();
  private arrivals = 0;

  /** `epochMs`: delivery times are kept relative to it (see first-deliveries.ts). */
  constructor(private readonly epochMs: number) {}

  registerProducer(producerId: string, shardingKeys: number): void {
    this.shardingKeys.set(producerId, shardingKeys);
  }

  isOrdered(producerId: string): boolean {
    return this.shardingKeys.has(producerId);
  }

  /** One delivery, in the order receipts reach the coordinator; unordered producers are ignored. */
  recordDelivery(scope: string, producerId: string, seq: number, receivedAt: number): void {
    const deliveries = this.deliveriesOf(scope, producerId);
    if (!deliveries) return;
    deliveries.record(seq, this.timeOf(receivedAt), this.arrivals++);
  }

  /** recordDelivery for every receipt of a batch, in order; producers resolved once per batch. */
  recordDeliveries(scope: string, receipts: ReceiptColumns): void {
    const { count, producers, producer, seq, received } = receipts;
    // Per producer of the batch: its deliveries, null when it is not ordered, undefined until first used.
    const tracks: (FirstDeliveries | null | undefined)[] = new Array(producers.length);
    for (let i = 0; i < count; i++) {
      const p = producer[i]!;
      let deliveries = tracks[p];
      if (deliveries === undefined) tracks[p] = deliveries = this.deliveriesOf(scope, producers[p]!);
      if (deliveries) deliveries.record(seq[i]!, this.timeOf(received[i]!), this.arrivals++);
    }
  }

  private deliveriesOf(scope: string, producerId: string): FirstDeliveries | null {
    if (!this.shardingKeys.has(producerId)) return null;
    let producers = this.scopes.get(scope);
    if (!producers) this.scopes.set(scope, (producers = new Map()));
    let deliveries = producers.get(producerId);
    if (!deliveries) producers.set(producerId, (deliveries = new FirstDeliveries()));
    return deliveries;
  }

  private timeOf(receivedAt: number): number {
    return Math.max(0, Math.min(MAX_DELIVERY_TIME, Math.round(receivedAt - this.epochMs)));
  }

  /** Judges one scope; call after the last receipt. */
  result(scope: string, context: OrderingContext): OrderingResult {
    const fed = [...this.shardingKeys].filter(([producerId]) => context.feeds(producerId));
    if (fed.length === 0) return UNCHECKED_ORDERING;
    const tally = new Tally((at) => context.windowAt(this.epochMs + at));
    for (const [producerId, keys] of fed) {
      const deliveries = this.scopes.get(scope)?.get(producerId);
      if (deliveries) judgeProducer(producerId, keys, deliveries, (seq) => context.isAcked(producerId, seq), tally);
    }
    return tally.result();
  }

  /** Bytes held, for the memory benchmark. */
  bytes(): number {
    let total = 0;
    for (const producers of this.scopes.values()) for (const d of producers.values()) total += d.bytes;
    return total;
  }
}

/** Counts of one scope as producers and keys are judged. */
class Tally {
  reordered = 0;
  redeliveredOutOfOrder = 0;
  worstGap = 0;
  readonly keys: string[] = [];
  keysAffected = 0;
  private readonly windows = new Map<string, OrderingWindowCell & { firstAt: number }>();

  constructor(private readonly windowOf: (at: number) => string) {}

  reordering(at: number, gap: number): void {
    this.reordered++;
    this.worstGap = Math.max(this.worstGap, gap);
    this.cell(at).reordered++;
  }

  redelivery(at: number): void {
    this.redeliveredOutOfOrder++;
    this.cell(at).redeliveredOutOfOrder++;
  }

  keyAffected(name: string): void {
    this.keysAffected++;
    if (this.keys.length < KEYS_LISTED) this.keys.push(name);
  }

  result(): OrderingResult {
    const byWindow = [...this.windows.values()]
      .sort((a, b) => a.firstAt - b.firstAt)
      .map(({ window, reordered, redeliveredOutOfOrder }) => ({ window, reordered, redeliveredOutOfOrder }));
    return {
      checked: true,
      reordered: this.reordered,
      keysAffected: this.keysAffected,
      keys: this.keys,
      worstGap: this.worstGap,
      redeliveredOutOfOrder: this.redeliveredOutOfOrder,
      byWindow,
    };
  }

  private cell(at: number): OrderingWindowCell & { firstAt: number } {
    const window = this.windowOf(at);
    let cell = this.windows.get(window);
    if (!cell) this.windows.set(window, (cell = { window, reordered: 0, redeliveredOutOfOrder: 0, firstAt: at }));
    cell.firstAt = Math.min(cell.firstAt, at);
    return cell;
  }
}

/**
 * Walks each key's first deliveries in delivery order, keeping the highest seq so far; then
 * places each later delivery of the key among them (binary search) to see whether a higher
 * seq was first-delivered before it.
 */
function judgeProducer(
  producerId: string,
  shardingKeys: number,
  deliveries: FirstDeliveries,
  isAcked: (seq: number) => boolean,
  tally: Tally,
): void {
  const laterByKey = laterDeliveriesByKey(deliveries, shardingKeys, isAcked);
  const capacity = Math.ceil((deliveries.maxSeq + 1) / shardingKeys);
  // Scratch reused for every key: the key's first deliveries in send order, then sorted.
  const seqs = new Uint32Array(capacity);
  const ats = new Uint32Array(capacity);
  const arrivals = new Uint32Array(capacity);
  const highestSoFar = new Uint32Array(capacity);
  for (let key = 0; key < shardingKeys; key++) {
    let n = 0;
    for (let seq = key; seq <= deliveries.maxSeq; seq += shardingKeys) {
      const at = deliveries.firstTime(seq);
      if (at === undefined || !isAcked(seq)) continue;
      seqs[n] = seq;
      ats[n] = at;
      arrivals[n] = deliveries.firstArrival(seq);
      n++;
    }
    const order = deliveryOrder(n, ats, arrivals);
    let highest = -1;
    let reordered = false;
    for (let i = 0; i < n; i++) {
      const index = order ? order[i]! : i;
      const seq = seqs[index]!;
      if (seq < highest) {
        tally.reordering(ats[index]!, highest - seq);
        reordered = true;
      }
      highest = Math.max(highest, seq);
      highestSoFar[i] = highest;
    }
    if (reordered) tally.keyAffected(`${producerId}/${key}`);
    for (const later of laterByKey.get(key) ?? []) {
      const before = countBefore(n, order, ats, arrivals, later.at, later.arrival);
      if (before > 0 && highestSoFar[before - 1]! > later.seq) tally.redelivery(later.at);
    }
  }
}

interface Later {
  seq: number;
  at: number;
  arrival: number;
}

function laterDeliveriesByKey(
  deliveries: FirstDeliveries,
  shardingKeys: number,
  isAcked: (seq: number) => boolean,
): Map<number, Later[]> {
  const byKey = new Map<number, Later[]>();
  const { later } = deliveries;
  for (let i = 0; i < later.length; i++) {
    const seq = later.seqAt(i);
    if (!isAcked(seq)) continue;
    const key = seq % shardingKeys;
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push({ seq, at: later.timeAt(i), arrival: later.arrivalAt(i) });
  }
  return byKey;
}

/**
 * The first `n` deliveries' indices sorted by delivery order, or undefined when send order
 * already is delivery order (the usual case, and then no sort is needed).
 */
function deliveryOrder(n: number, ats: Uint32Array, arrivals: Uint32Array): Uint32Array | undefined {
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = deliveredBefore(ats[i - 1]!, arrivals[i - 1]!, ats[i]!, arrivals[i]!);
  if (sorted) return undefined;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => ats[a]! - ats[b]! || arrivals[a]! - arrivals[b]!);
}

/** How many of the first `n` deliveries (in delivery order) came before (at, arrival). */
function countBefore(
  n: number,
  order: Uint32Array | undefined,
  ats: Uint32Array,
  arrivals: Uint32Array,
  at: number,
  arrival: number,
): number {
  let low = 0;
  let high = n;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const index = order ? order[middle]! : middle;
    if (deliveredBefore(ats[index]!, arrivals[index]!, at, arrival)) low = middle + 1;
    else high = middle;
  }
  return low;
}
