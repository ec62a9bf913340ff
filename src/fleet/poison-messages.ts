/**
 * Poison messages for `deadLetter` plans: a known set of messages that fail on every delivery,
 * so the broker moves each to `%DLQ%<group>` after `maxReconsumeTimes` redeliveries. Like the
 * faultyConsumer test aid, the choice is a pure function of (seed, producerId, seq), never of
 * the instance or the delivery: every instance fails the same messages every time, and the
 * coordinator's ledger computes the exact dead-letter set by calling `isPoison` itself.
 */
import { faultyPoint } from './faulty-consumer.ts';

/**
 * Whether (producerId, seq) is poison at share `poison` (0..1). The point is drawn from a key
 * apart from faultyConsumer's (`poison:` before the producer), so the two aids pick
 * independent sets when a plan uses both.
 */
export function isPoison(poison: number, seed: number, producerId: string, seq: number): boolean {
  if (poison <= 0) return false;
  return faultyPoint(seed, `poison:${producerId}`, seq) < poison;
}
