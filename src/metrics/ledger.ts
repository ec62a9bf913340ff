import { PagedBitset } from './bitset.ts';

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

interface ProducerTrack {
  acked: PagedBitset;
  /** Every seq below this was attempted (send called). */
  attempted: number;
}

interface ScopeTrack {
  received: Map<string, PagedBitset>;
  duplicates: number;
  receipts: number;
  perInstance: Map<string, number>;
  /** Receipts that carried no identity of this run (another run's leftovers, foreign senders). */
  foreign: number;
}

export interface ScopeSummary {
  scope: string;
  acked: number;
  receipts: number;
  unique: number;
  duplicates: number;
  lost: number;
  unexpected: number;
  duplicateRate: number;
  perInstance: Record<string, number>;
  /** Up to 20 lost ids, `producer:seq`, to start an investigation from. */
  lostSample: string[];
}

export class Ledger {
  private readonly producers = new Map<string, ProducerTrack>();
  private readonly scopes = new Map<string, ScopeTrack>();

  registerProducer(producerId: string): void {
    if (!this.producers.has(producerId)) this.producers.set(producerId, { acked: new PagedBitset(), attempted: 0 });
  }

  recordAttempted(producerId: string, attemptedCount: number): void {
    const track = this.producer(producerId);
    track.attempted = Math.max(track.attempted, attemptedCount);
  }

  recordAcked(producerId: string, seq: number): void {
    const track = this.producer(producerId);
    track.acked.add(seq);
    track.attempted = Math.max(track.attempted, seq + 1);
  }

  registerScope(scope: string): void {
    if (!this.scopes.has(scope)) {
      this.scopes.set(scope, { received: new Map(), duplicates: 0, receipts: 0, perInstance: new Map(), foreign: 0 });
    }
  }

  recordReceipt(scope: string, producerId: string, seq: number, consumerInstance: string): ReceiptKind {
    this.registerScope(scope);
    const track = this.scopes.get(scope)!;
    track.receipts++;
    track.perInstance.set(consumerInstance, (track.perInstance.get(consumerInstance) ?? 0) + 1);
    let bits = track.received.get(producerId);
    if (!bits) {
      bits = new PagedBitset();
      track.received.set(producerId, bits);
    }
    if (bits.add(seq)) return 'first';
    track.duplicates++;
    return 'duplicate';
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

  /** Unique receipts of acked messages in this scope (the drain phase waits for it to reach totalAcked). */
  uniqueAckedReceived(scope: string): number {
    const track = this.scopes.get(scope);
    if (!track) return 0;
    let received = 0;
    for (const [producerId, producer] of this.producers) {
      const bits = track.received.get(producerId);
      if (bits) received += producer.acked.size - producer.acked.countMissingFrom(bits);
    }
    return received;
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
      acked += producer.acked.size;
      const received = track.received.get(producerId) ?? new PagedBitset();
      const sample: number[] = [];
      lost += producer.acked.countMissingFrom(received, sample, Math.max(0, 20 - lostSample.length));
      lostSample.push(...sample.map((seq) => `${producerId}:${seq}`));
      unexpected += received.countAtOrAbove(producer.attempted);
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
    };
  }

  /** Bytes of bitset pages held, for the memory benchmark. */
  bytes(): number {
    let total = 0;
    for (const p of this.producers.values()) total += p.acked.bytes;
    for (const s of this.scopes.values()) for (const b of s.received.values()) total += b.bytes;
    return total;
  }

  private producer(producerId: string): ProducerTrack {
    this.registerProducer(producerId);
    return this.producers.get(producerId)!;
  }
}
