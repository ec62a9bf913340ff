/**
 * A scope's ordering check (metrics/ordering.ts) in words, for the console summary and
 * summary.md: both say the same thing, so they say it with the same text.
 */
import type { OrderingResult } from '../metrics/ordering.ts';

/** `in order`, or `reordered 3 (worst gap 7; keys p#0/1, p#0/4)`, with replays after it. */
export function orderingText(o: OrderingResult): string {
  const more = o.keysAffected > o.keys.length ? ` and ${o.keysAffected - o.keys.length} more` : '';
  const reordered =
    o.reordered === 0
      ? 'in order'
      : `reordered ${o.reordered} (worst gap ${o.worstGap}; keys ${o.keys.join(', ')}${more})`;
  return o.redeliveredOutOfOrder === 0
    ? reordered
    : `${reordered}, redelivered out of order ${o.redeliveredOutOfOrder}`;
}

/** `chaos: 3 reordered, 12 redelivered; heal: 1 redelivered`; empty when nothing was out of order. */
export function orderingWindowsText(o: OrderingResult): string {
  return o.byWindow
    .map((w) => {
      const counts = [
        ...(w.reordered > 0 ? [`${w.reordered} reordered`] : []),
        ...(w.redeliveredOutOfOrder > 0 ? [`${w.redeliveredOutOfOrder} redelivered`] : []),
      ];
      return `${w.window}: ${counts.join(', ')}`;
    })
    .join('; ');
}
