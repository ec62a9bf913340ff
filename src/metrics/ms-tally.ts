import { clampMs, type Histogram } from './histogram.ts';

/**
 * Latencies counted by value, then recorded into histograms once per distinct value
 * (`recordValueWithCount`) instead of once per receipt. Receipts' end-to-end latencies take a
 * few hundred distinct milliseconds over a second, and each `recordValue` of hdr-histogram-js
 * costs a log2 and a pow, so this is most of what the compact ingest saves on histograms. The
 * histograms end the same as with recordMs per value: counts, total, min and max do not
 * depend on the order values come in.
 */
const SMALL = 1 << 16;

export class MsTally {
  /** Counts of clamped values below SMALL; zero again after every flush. */
  private readonly counts = new Uint32Array(SMALL);
  private touched = new Uint32Array(1024);
  private distinct = 0;
  /** Values from SMALL up, recorded one by one (a latency over a minute is rare). */
  private readonly larges: number[] = [];

  /** How many values from SMALL up wait for the next flush. */
  get large(): number {
    return this.larges.length;
  }

  add(ms: number): void {
    const value = clampMs(ms);
    if (value >= SMALL) {
      this.larges.push(value);
      return;
    }
    const seen = this.counts[value]!;
    this.counts[value] = seen + 1;
    if (seen === 0) {
      if (this.distinct === this.touched.length) {
        const bigger = new Uint32Array(this.touched.length * 2);
        bigger.set(this.touched);
        this.touched = bigger;
      }
      this.touched[this.distinct++] = value;
    }
  }

  /** Records everything added since the last flush into each histogram, and starts over. */
  flush(histograms: readonly Histogram[]): void {
    for (let i = 0; i < this.distinct; i++) {
      const value = this.touched[i]!;
      const count = this.counts[value]!;
      for (const h of histograms) h.recordValueWithCount(value, count);
      this.counts[value] = 0;
    }
    this.distinct = 0;
    for (const value of this.larges) for (const h of histograms) h.recordValue(value);
    this.larges.length = 0;
  }
}
