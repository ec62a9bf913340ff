import { PagedBitset } from './bitset.ts';

/**
 * Dead letters of one ledger scope (a clustering group with `deadLetter`). The consumers fail
 * a known set of messages (poison) on every delivery; the broker moves a message to
 * `%DLQ%<group>` when it is sent back after `maxReconsumeTimes` redeliveries. Three sets per
 * producer, one bit per message each:
 * - poison: acked messages the spec calls poison (what the DLQ must end up holding);
 * - exhausted: messages whose last failure was seen (a retry answered at reconsumeTimes ≥ max,
 *   so the broker was asked to dead-letter it): the drain waits for these, not for a consume;
 * - readBack: messages found in `%DLQ%<group>` after the run (the harness reads it back).
 * A message read back is dead-lettered, not lost; a poison message not read back is lost; a
 * message read back that is not an expected poison message is an unexpected dead letter.
 */
export interface DeadLetterSpec {
  maxReconsumeTimes: number;
  /** Whether the consumers fail (producerId, seq) on every delivery. */
  isPoison(producerId: string, seq: number): boolean;
}

/** What the ledger says of a scope's dead letters once the DLQ was read back. */
export interface DeadLetterTally {
  maxReconsumeTimes: number;
  /** Whether `%DLQ%<group>` was read back (false: nothing is counted dead-lettered). */
  readBack: boolean;
  /** Acked poison messages the scope was meant to receive: the DLQ must hold exactly these. */
  expected: number;
  /** Of those, read back from the DLQ. */
  deadLettered: number;
  /** Of those, not in the DLQ (and never consumed): lost. */
  missing: number;
  /** Read back from the DLQ but not expected there (not poison, or not acked, or another scope's). */
  unexpected: number;
  /** Up to 20 ids (`producer:seq`) of each. */
  missingSample: string[];
  unexpectedSample: string[];
}

/** What reading one group's `%DLQ%<group>` back found (run/dead-letter-readback.ts). */
export interface DeadLetterReadBack {
  group: string;
  topic: string;
  /** Messages of this run read back (a message read twice counts once in the ledger, here twice). */
  read: number;
  /** Messages of no run of ours (another run's, on a cluster that outlives runs). */
  foreign: number;
  /** Per master: the offset the read reached (the DLQ's length on that broker). */
  brokers: { brokerName: string; offset: number }[];
  /** Messages sent back for the last time and still not found when the read stopped. */
  awaited: number;
  /** Failed requests, one line each (a broker without the topic is not one). */
  errors: string[];
}

const SAMPLE = 20;

function bitsOf(map: Map<string, PagedBitset>, producerId: string): PagedBitset {
  let bits = map.get(producerId);
  if (!bits) map.set(producerId, (bits = new PagedBitset()));
  return bits;
}

function forEachMember(bits: PagedBitset | undefined, visit: (seq: number) => void): void {
  bits?.forEachMissingFrom(EMPTY, visit);
}

const EMPTY = new PagedBitset();

export class ScopeDeadLetters {
  private readonly poison = new Map<string, PagedBitset>();
  private readonly exhausted = new Map<string, PagedBitset>();
  private readonly readBackBits = new Map<string, PagedBitset>();
  private readBackDone = false;

  constructor(readonly spec: DeadLetterSpec) {}

  /** An acked message: remembered if poison. */
  acked(producerId: string, seq: number): void {
    if (this.spec.isPoison(producerId, seq)) bitsOf(this.poison, producerId).add(seq);
  }

  /** A delivery answered retry at `reconsumeTimes`: at the limit, the broker dead-letters it. */
  failed(producerId: string, seq: number, reconsumeTimes: number): void {
    if (reconsumeTimes >= this.spec.maxReconsumeTimes) bitsOf(this.exhausted, producerId).add(seq);
  }

  /** A message read back from the DLQ; false when it was read back already. */
  deadLettered(producerId: string, seq: number): boolean {
    return bitsOf(this.readBackBits, producerId).add(seq);
  }

  /** The DLQ has been read back (even if empty): from now on, read-back messages are not lost. */
  markReadBack(): void {
    this.readBackDone = true;
  }

  /** Messages sent back for the last time and not read back yet (what a read-back waits for). */
  awaiting(): number {
    let count = 0;
    for (const [producerId, bits] of this.exhausted)
      count += bits.countMissingFrom(this.readBackBits.get(producerId) ?? EMPTY);
    return count;
  }

  get wasReadBack(): boolean {
    return this.readBackDone;
  }

  /** Whether the message is settled without a consume: read back, or (`orExhausted`) sent back for the last time. */
  settles(producerId: string, seq: number, orExhausted: boolean): boolean {
    if (this.readBackBits.get(producerId)?.has(seq)) return true;
    return orExhausted && (this.exhausted.get(producerId)?.has(seq) ?? false);
  }

  /**
   * Every message settled without a consume (read back or, with `orExhausted`, exhausted), once
   * each, ascending per producer.
   */
  forEachSettled(producerId: string, orExhausted: boolean, visit: (seq: number) => void): void {
    const read = this.readBackBits.get(producerId);
    forEachMember(read, visit);
    if (!orExhausted) return;
    forEachMember(this.exhausted.get(producerId), (seq) => {
      if (!read?.has(seq)) visit(seq);
    });
  }

  /** The tally, given which acked messages the scope expects and which it consumed. */
  tally(expects: (producerId: string, seq: number) => boolean, consumed: (producerId: string, seq: number) => boolean) {
    const out: DeadLetterTally = {
      maxReconsumeTimes: this.spec.maxReconsumeTimes,
      readBack: this.readBackDone,
      expected: 0,
      deadLettered: 0,
      missing: 0,
      unexpected: 0,
      missingSample: [],
      unexpectedSample: [],
    };
    for (const [producerId, bits] of this.poison)
      forEachMember(bits, (seq) => {
        if (!expects(producerId, seq)) return;
        out.expected++;
        if (this.readBackBits.get(producerId)?.has(seq)) out.deadLettered++;
        else if (!consumed(producerId, seq)) {
          out.missing++;
          if (out.missingSample.length < SAMPLE) out.missingSample.push(`${producerId}:${seq}`);
        }
      });
    for (const [producerId, bits] of this.readBackBits)
      forEachMember(bits, (seq) => {
        if (this.poison.get(producerId)?.has(seq) && expects(producerId, seq)) return;
        out.unexpected++;
        if (out.unexpectedSample.length < SAMPLE) out.unexpectedSample.push(`${producerId}:${seq}`);
      });
    return out;
  }

  get bytes(): number {
    let total = 0;
    for (const map of [this.poison, this.exhausted, this.readBackBits])
      for (const bits of map.values()) total += bits.bytes;
    return total;
  }
}
