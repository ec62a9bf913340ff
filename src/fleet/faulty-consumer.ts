/**
 * `faultyConsumer`, a test aid for checking the checkers (not a model of a real consumer): a
 * consumer that, for a known set of messages, acknowledges to the broker without reporting a
 * receipt (discard: the ledger must call exactly those lost) or reports one delivery twice
 * (duplicate: one duplicate per such delivery).
 *
 * The choice is a pure function of (seed, producerId, seq), never of the instance, the delivery
 * or a random stream: every delivery of a message, on every instance, gets the same answer, so
 * a test computes the known sets by calling `faultyChoice` itself.
 */

export interface FaultyRates {
  /** Share (0..1) of messages acknowledged to the broker but never reported. */
  discard: number;
  /** Share (0..1) of messages whose every delivery is reported twice. */
  duplicate: number;
}

export type FaultyChoice = 'discard' | 'duplicate' | 'normal';

/**
 * A point in [0, 1) for one message: FNV-1a over `seed:producerId:seq`, then the murmur3
 * finalizer, whose avalanche spreads ids that differ in one digit (seq 9 and seq 10) evenly.
 */
export function faultyPoint(seed: number, producerId: string, seq: number): number {
  const text = `${seed}:${producerId}:${seq}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Below `discard`: discard; in [discard, discard + duplicate): duplicate; else normal. */
export function faultyChoice(rates: FaultyRates, seed: number, producerId: string, seq: number): FaultyChoice {
  if (rates.discard <= 0 && rates.duplicate <= 0) return 'normal';
  const point = faultyPoint(seed, producerId, seq);
  if (point < rates.discard) return 'discard';
  if (point < rates.discard + rates.duplicate) return 'duplicate';
  return 'normal';
}
