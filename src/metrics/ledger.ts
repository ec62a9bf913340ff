import { PagedBitset } from './bitset.ts';
import { type DeadLetterSpec, type DeadLetterTally, ScopeDeadLetters } from './dead-letters.ts';
import { MessageOrigins, type MessageOrigin } from './message-origins.ts';
import { QueuePositions } from './queue-positions.ts';
import { OrderingCheck, type OrderingResult } from './ordering.ts';
import { bitAt, type ReceiptColumns, setBit } from './receipt-columns.ts';

/**
 * Who sent what and who received it, one bit per message. Producers number their messages
 * 0, 1, 2, ... per producer instance; a receipt is (scope, producer, seq, consumer instance).
 * The scope is the consumer group in clustering (a message counts once per group) and
 * `group/instance` in broadcasting (once per instance).
 *
 * Receipts can reach the coordinator before the producer's ack does (two processes, two
 * pipes), so "unexpected" is decided at the end, not on arrival.
 */
export type ReceiptKind = 'first' | 'duplicate';

/** An ordered producer's sharding: message `seq` has key `seq % shardingKeys`. */
export interface OrderingSpec {
  shardingKeys: number;
}

interface ProducerTrack {
  acked: PagedBitset;
  /** The same acks split by tag ('' = no tag), so a scope that subscribes to some tags expects only those. */
  ackedByTag: Map<string, PagedBitset>;
  /** Every seq below this was attempted (send called). */
  attempted: number;
}

/**
 * What a scope is meant to receive: per producer, every message (`*`), those with one of
 * the tags, or those a selection picks (a SQL92 subscription). Producers absent from the map
 * are not expected at all (another topic). A scope without an expectation expects everything.
 */
export type ScopeExpectation = Map<string, '*' | ReadonlySet<string> | MessageSelection>;

/**
 * Picks a producer's messages by seq and tag ('' for none): a SQL92 subscription, decided the
 * way the broker decides it from properties derived from (producer, seq), so the ledger stores
 * no properties. A receipt it does not pick is unexpected (the broker should not have sent it).
 */
export interface MessageSelection {
  readonly select: (seq: number, tag: string) => boolean;
}

function isSelection(expectation: '*' | ReadonlySet<string> | MessageSelection): expectation is MessageSelection {
  return typeof expectation === 'object' && 'select' in expectation;
}

interface ScopeTrack {
  received: Map<string, PagedBitset>;
  /**
   * Deliveries the consumer acknowledged. A delivery answered `retry` is a receipt but not
   * yet consumed: loss and backlog count what was never consumed, so a drain waits for the
   * redelivery and a message whose retries never came back is lost.
   */
  consumed: Map<string, PagedBitset>;
  duplicates: number;
  receipts: number;
  perInstance: Map<string, number>;
  /** Receipts that carried no identity of this run (another run's leftovers, foreign senders). */
  foreign: number;
  expects?: ScopeExpectation;
  /** With `deadLetter`: poison, exhausted and read-back messages (dead-letters.ts). */
  deadLetters?: ScopeDeadLetters;
}

export interface ScopeSummary {
  scope: string;
  /** Acked messages this scope was meant to receive (its topics and tags). */
  acked: number;
  receipts: number;
  unique: number;
  duplicates: number;
  lost: number;
  unexpected: number;
  duplicateRate: number;
  perInstance: Record<string, number>;
  /** Up to 20 lost (never consumed) ids, `producer:seq`, to start an investigation from. */
  lostSample: string[];
  /** Only for a scope with `deadLetter`: what the DLQ held against what it should. */
  deadLetters?: DeadLetterTally;
}

const EMPTY = new PagedBitset();

function bitsOf(map: Map<string, PagedBitset>, producerId: string): PagedBitset {
  let bits = map.get(producerId);
  if (!bits) {
    bits = new PagedBitset();
    map.set(producerId, bits);
  }
  return bits;
}

export class Ledger {
  private readonly producers = new Map<string, ProducerTrack>();
  private readonly scopes = new Map<string, ScopeTrack>();
  /** Queue, tag and send time of every acked message whose ack said so, for loss accounting. */
  readonly origins: MessageOrigins;
  /** Queue offsets the acks named, to catch one given to two messages (a truncated commit log). */
  readonly positions = new QueuePositions();
  /** Deliveries of ordered producers' messages, judged per scope by orderingOf once the run is over. */
  readonly ordering: OrderingCheck;

  /** Selected acks per selection, recomputed when the producer's ack count moved (drains ask often). */
  private readonly deadLetterScopes: ScopeDeadLetters[] = [];

  private readonly selected = new WeakMap<MessageSelection, { acked: number; bits: PagedBitset }>();

  constructor(epochMs = Date.now()) {
    this.origins = new MessageOrigins(epochMs);
    this.ordering = new OrderingCheck(epochMs);
  }

  /** `ordering`: the producer sends ordered messages, seq's sharding key being `seq % shardingKeys`. */
  registerProducer(producerId: string, ordering?: OrderingSpec): void {
    if (!this.producers.has(producerId))
      this.producers.set(producerId, { acked: new PagedBitset(), ackedByTag: new Map(), attempted: 0 });
    if (ordering) this.ordering.registerProducer(producerId, ordering.shardingKeys);
  }

  recordAttempted(producerId: string, attemptedCount: number): void {
    const track = this.producer(producerId);
    track.attempted = Math.max(track.attempted, attemptedCount);
  }

  recordAcked(producerId: string, seq: number, tag = '', origin?: Omit<MessageOrigin, 'tag'>): void {
    const track = this.producer(producerId);
    if (origin) {
      this.origins.record(producerId, seq, origin.queue, tag, origin.sentAt, origin.queueOffset);
      if (origin.queueOffset !== undefined) this.positions.record(origin.queue, origin.queueOffset);
    }
    track.acked.add(seq);
    let byTag = track.ackedByTag.get(tag);
    if (!byTag) {
      byTag = new PagedBitset();
      track.ackedByTag.set(tag, byTag);
    }
    byTag.add(seq);
    track.attempted = Math.max(track.attempted, seq + 1);
    for (const deadLetters of this.deadLetterScopes) deadLetters.acked(producerId, seq);
  }

  /**
   * `scope`'s consumers fail the spec's poison messages on every delivery, so the broker
   * dead-letters them: the drain waits for each message's last failure instead of a consume,
   * and once the DLQ is read back (recordDeadLettered, markDeadLettersReadBack) a message found
   * there is dead-lettered, not lost.
   */
  expectDeadLetters(scope: string, spec: DeadLetterSpec): void {
    this.registerScope(scope);
    const deadLetters = new ScopeDeadLetters(spec);
    this.scopes.get(scope)!.deadLetters = deadLetters;
    this.deadLetterScopes.push(deadLetters);
    for (const [producerId, producer] of this.producers)
      producer.acked.forEachMissingFrom(EMPTY, (seq) => deadLetters.acked(producerId, seq));
  }

  /** A delivery answered retry at `reconsumeTimes` (only scopes with dead letters keep it). */
  recordFailure(scope: string, producerId: string, seq: number, reconsumeTimes: number): void {
    this.scopes.get(scope)?.deadLetters?.failed(producerId, seq, reconsumeTimes);
  }

  /** A message read back from `scope`'s dead-letter queue; false when already read back. */
  recordDeadLettered(scope: string, producerId: string, seq: number): boolean {
    const deadLetters = this.scopes.get(scope)?.deadLetters;
    if (!deadLetters) throw new Error(`internal: scope ${scope} expects no dead letters`);
    return deadLetters.deadLettered(producerId, seq);
  }

  /** `scope`'s dead-letter queue has been read back, whatever it held. */
  markDeadLettersReadBack(scope: string): void {
    this.scopes.get(scope)?.deadLetters?.markReadBack();
  }

  /** `scope`'s messages sent back for the last time but not read back from its DLQ yet. */
  deadLettersAwaited(scope: string): number {
    return this.scopes.get(scope)?.deadLetters?.awaiting() ?? 0;
  }

  /** Whether `scope` was told to expect dead letters. */
  hasDeadLetters(scope: string): boolean {
    return this.scopes.get(scope)?.deadLetters !== undefined;
  }

  /** Whether `scope` expects (producerId, seq) among its acked messages. */
  private expects(track: ScopeTrack, producerId: string, seq: number): boolean {
    const producer = this.producers.get(producerId);
    if (!producer) return false;
    return this.expectedOf(track, producerId, producer).some((bits) => bits.has(seq));
  }

  /**
   * Expected, never-consumed messages of `producerId` that dead letters settle (read back, or
   * with `orExhausted` sent back for the last time): not lost, and not waited for.
   */
  private settledByDeadLetters(track: ScopeTrack, producerId: string, orExhausted: boolean): number {
    const deadLetters = track.deadLetters;
    if (!deadLetters) return 0;
    const consumed = track.consumed.get(producerId) ?? EMPTY;
    let settled = 0;
    deadLetters.forEachSettled(producerId, orExhausted, (seq) => {
      if (!consumed.has(seq) && this.expects(track, producerId, seq)) settled++;
    });
    return settled;
  }

  /** Narrows what `scope` must receive (a group's topics and tags); see ScopeExpectation. */
  expect(scope: string, expectation: ScopeExpectation): void {
    this.registerScope(scope);
    this.scopes.get(scope)!.expects = expectation;
  }

  /** The acked messages `scope` must receive from `producerId`, as bitsets whose union it is. */
  private expectedOf(scope: ScopeTrack, producerId: string, producer: ProducerTrack): PagedBitset[] {
    const expectation = scope.expects?.get(producerId) ?? (scope.expects ? undefined : '*');
    if (expectation === undefined) return [];
    if (expectation === '*') return [producer.acked];
    if (isSelection(expectation)) return [this.selectedBits(expectation, producer)];
    return [...expectation].flatMap((tag) => {
      const bits = producer.ackedByTag.get(tag);
      return bits ? [bits] : [];
    });
  }

  private selectedBits(selection: MessageSelection, producer: ProducerTrack): PagedBitset {
    const cached = this.selected.get(selection);
    if (cached && cached.acked === producer.acked.size) return cached.bits;
    const bits = new PagedBitset();
    for (const [tag, acked] of producer.ackedByTag)
      acked.forEachMissingFrom(EMPTY, (seq) => {
        if (selection.select(seq, tag)) bits.add(seq);
      });
    this.selected.set(selection, { acked: producer.acked.size, bits });
    return bits;
  }

  registerScope(scope: string): void {
    if (!this.scopes.has(scope)) {
      this.scopes.set(scope, {
        received: new Map(),
        consumed: new Map(),
        duplicates: 0,
        receipts: 0,
        perInstance: new Map(),
        foreign: 0,
      });
    }
  }

  /** Records a delivery; `consumed` is false when the consumer asked for redelivery. */
  recordReceipt(
    scope: string,
    producerId: string,
    seq: number,
    consumerInstance: string,
    consumed = true,
  ): ReceiptKind {
    this.registerScope(scope);
    const track = this.scopes.get(scope)!;
    track.receipts++;
    track.perInstance.set(consumerInstance, (track.perInstance.get(consumerInstance) ?? 0) + 1);
    if (consumed) bitsOf(track.consumed, producerId).add(seq);
    if (bitsOf(track.received, producerId).add(seq)) return 'first';
    track.duplicates++;
    return 'duplicate';
  }

  /**
   * recordReceipt for every receipt of `receipts`, in order, with the producers' bitsets looked
   * up once per batch instead of once per receipt. Sets bit i of `duplicates` for each receipt
   * that was a duplicate and returns how many were.
   */
  recordReceipts(scope: string, consumerInstance: string, receipts: ReceiptColumns, duplicates: Uint8Array): number {
    const { count, producers, producer, seq, retry } = receipts;
    if (count === 0) return 0;
    this.registerScope(scope);
    const track = this.scopes.get(scope)!;
    track.receipts += count;
    track.perInstance.set(consumerInstance, (track.perInstance.get(consumerInstance) ?? 0) + count);
    // Looked up on first use, as recordReceipt would, so the maps gain entries in the same order.
    const received: (PagedBitset | undefined)[] = new Array(producers.length);
    const consumed: (PagedBitset | undefined)[] = new Array(producers.length);
    let duplicateCount = 0;
    for (let i = 0; i < count; i++) {
      const p = producer[i]!;
      const s = seq[i]!;
      if (!bitAt(retry, i)) {
        let bits = consumed[p];
        if (!bits) consumed[p] = bits = bitsOf(track.consumed, producers[p]!);
        bits.add(s);
      }
      let bits = received[p];
      if (!bits) received[p] = bits = bitsOf(track.received, producers[p]!);
      if (!bits.add(s)) {
        duplicateCount++;
        setBit(duplicates, i);
      }
    }
    track.duplicates += duplicateCount;
    return duplicateCount;
  }

  /** Receipts without this run's identity: counted as unexpected, never dropped. */
  recordForeign(scope: string, consumerInstance: string, count: number): void {
    this.registerScope(scope);
    const track = this.scopes.get(scope)!;
    track.receipts += count;
    track.foreign += count;
    track.perInstance.set(consumerInstance, (track.perInstance.get(consumerInstance) ?? 0) + count);
  }

  receiptCount(scope: string): number {
    return this.scopes.get(scope)?.receipts ?? 0;
  }

  totalAcked(): number {
    let acked = 0;
    for (const track of this.producers.values()) acked += track.acked.size;
    return acked;
  }

  /**
   * Whether `scope` kept each ordered producer's keys in order (ordering.ts), over the acked
   * messages it is meant to receive; call after the last receipt. `windowAt` names the fault
   * window or phase of a delivery time.
   */
  orderingOf(scope: string, windowAt: (at: number) => string): OrderingResult {
    this.registerScope(scope);
    const track = this.scopes.get(scope)!;
    return this.ordering.result(scope, {
      isAcked: (producerId, seq) => this.producers.get(producerId)?.acked.has(seq) ?? false,
      feeds: (producerId) => !track.expects || track.expects.has(producerId),
      windowAt,
    });
  }

  /** Acked messages this scope must receive and has not yet (its backlog in the ledger's view). */
  outstanding(scope: string): number {
    const track = this.scopes.get(scope);
    if (!track) return 0;
    let missing = 0;
    for (const [producerId, producer] of this.producers) {
      const consumed = track.consumed.get(producerId) ?? EMPTY;
      for (const bits of this.expectedOf(track, producerId, producer)) missing += bits.countMissingFrom(consumed);
      missing -= this.settledByDeadLetters(track, producerId, true);
    }
    return missing;
  }

  /** Every acked message `scope` was meant to consume and did not (its lost messages once the run is over). */
  forEachLost(scope: string, visit: (producerId: string, seq: number) => void): void {
    const track = this.scopes.get(scope);
    if (!track) return;
    for (const [producerId, producer] of this.producers) {
      const consumed = track.consumed.get(producerId) ?? EMPTY;
      for (const bits of this.expectedOf(track, producerId, producer))
        bits.forEachMissingFrom(consumed, (seq) => {
          if (!track.deadLetters?.settles(producerId, seq, false)) visit(producerId, seq);
        });
    }
  }

  summarize(scope: string): ScopeSummary {
    this.registerScope(scope);
    const track = this.scopes.get(scope)!;
    let acked = 0;
    let unique = 0;
    let lost = 0;
    let unexpected = track.foreign;
    const lostSample: string[] = [];
    for (const [producerId, producer] of this.producers) {
      const received = track.received.get(producerId) ?? EMPTY;
      const consumed = track.consumed.get(producerId) ?? EMPTY;
      for (const bits of this.expectedOf(track, producerId, producer)) {
        acked += bits.size;
        if (track.deadLetters) {
          // Dead-lettered messages are not lost, and must not crowd the sample.
          bits.forEachMissingFrom(consumed, (seq) => {
            if (track.deadLetters?.settles(producerId, seq, false)) return;
            lost++;
            if (lostSample.length < 20) lostSample.push(`${producerId}:${seq}`);
          });
          continue;
        }
        const sample: number[] = [];
        lost += bits.countMissingFrom(consumed, sample, Math.max(0, 20 - lostSample.length));
        lostSample.push(...sample.map((seq) => `${producerId}:${seq}`));
      }
      unexpected += received.countAtOrAbove(producer.attempted);
      const expectation = track.expects?.get(producerId);
      if (expectation !== undefined && isSelection(expectation)) {
        // Acked but not selected: the broker's filter let it through. A receipt whose ack never
        // came has no known tag, so it is judged neither way (as with tag subscriptions).
        const selected = this.selectedBits(expectation, producer);
        received.forEachMissingFrom(selected, (seq) => {
          if (producer.acked.has(seq)) unexpected++;
        });
      }
    }
    for (const [producerId, bits] of track.received) {
      unique += bits.size;
      if (!this.producers.has(producerId)) unexpected += bits.size;
    }
    return {
      scope,
      acked,
      receipts: track.receipts,
      unique,
      duplicates: track.duplicates,
      lost,
      unexpected,
      duplicateRate: unique === 0 ? 0 : track.duplicates / unique,
      perInstance: Object.fromEntries(track.perInstance),
      lostSample,
      ...(track.deadLetters
        ? {
            deadLetters: track.deadLetters.tally(
              (producerId, seq) => this.expects(track, producerId, seq),
              (producerId, seq) => track.consumed.get(producerId)?.has(seq) ?? false,
            ),
          }
        : {}),
    };
  }

  /** Bytes of bitset pages held, for the memory benchmark. */
  bytes(): number {
    let total = this.origins.bytes + this.positions.bytes + this.ordering.bytes();
    for (const p of this.producers.values()) total += p.acked.bytes;
    for (const s of this.scopes.values())
      for (const b of [...s.received.values(), ...s.consumed.values()]) total += b.bytes;
    for (const d of this.deadLetterScopes) total += d.bytes;
    return total;
  }

  private producer(producerId: string): ProducerTrack {
    this.registerProducer(producerId);
    return this.producers.get(producerId)!;
  }
}
