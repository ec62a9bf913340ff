/**
 * When each message of an arrival-rate executor is due (k6's constant-arrival-rate and
 * ramping-arrival-rate). Message i is due at the time the cumulative arrivals reach i, so a
 * sender that falls behind still measures latency from when the message *should* have left
 * (coordinated-omission correction) and counts what it could not start as dropped.
 */
export type Executor =
  | { kind: 'constant'; ratePerSecond: number }
  | { kind: 'ramping'; startRatePerSecond: number; stages: { durationMs: number; targetPerSecond: number }[] };

interface Segment {
  startMs: number;
  durationMs: number;
  fromRate: number;
  toRate: number;
  /** Arrivals before this segment. */
  before: number;
}

export class ArrivalSchedule {
  private readonly segments: Segment[];
  /** Total arrivals over the schedule. */
  total: number;
  readonly durationMs: number;

  constructor(executor: Executor, durationMs: number) {
    if (executor.kind === 'constant') {
      this.segments = [
        { startMs: 0, durationMs, fromRate: executor.ratePerSecond, toRate: executor.ratePerSecond, before: 0 },
      ];
    } else {
      this.segments = [];
      let start = 0;
      let rate = executor.startRatePerSecond;
      let before = 0;
      for (const stage of executor.stages) {
        this.segments.push({
          startMs: start,
          durationMs: stage.durationMs,
          fromRate: rate,
          toRate: stage.targetPerSecond,
          before,
        });
        before += ((rate + stage.targetPerSecond) / 2) * (stage.durationMs / 1000);
        start += stage.durationMs;
        rate = stage.targetPerSecond;
      }
      durationMs = Math.min(durationMs, start);
    }
    this.durationMs = durationMs;
    this.total = this.arrivalsBy(durationMs);
  }

  /** Arrivals due in [0, tMs] (a real number; floor it for a count). */
  arrivalsBy(tMs: number): number {
    for (const seg of this.segments) {
      if (tMs <= seg.startMs + seg.durationMs || seg === this.segments[this.segments.length - 1]) {
        const dt = Math.max(0, Math.min(tMs - seg.startMs, seg.durationMs)) / 1000;
        const slope = seg.durationMs > 0 ? (seg.toRate - seg.fromRate) / (seg.durationMs / 1000) : 0;
        return seg.before + seg.fromRate * dt + (slope * dt * dt) / 2;
      }
    }
    return 0;
  }

  /**
   * From `atMs` on, a constant `ratePerSecond` until the end (the coordinator's `set-rate`, as
   * the `rate: max` search moves the rate live): what was due before stays due, so the
   * sequence numbers and the latency of late messages carry on unchanged across the change.
   */
  setRate(atMs: number, ratePerSecond: number): void {
    const at = Math.max(0, Math.min(atMs, this.durationMs));
    const before = this.arrivalsBy(at);
    while (this.segments.length > 0 && this.segments[this.segments.length - 1]!.startMs >= at) this.segments.pop();
    const last = this.segments[this.segments.length - 1];
    if (last) {
      const cut = at - last.startMs;
      if (cut < last.durationMs) {
        // The rate where the cut falls, so the truncated ramp keeps its slope up to the change.
        const slope = last.durationMs > 0 ? (last.toRate - last.fromRate) / last.durationMs : 0;
        last.toRate = last.fromRate + slope * cut;
        last.durationMs = cut;
      }
    }
    this.segments.push({
      startMs: at,
      durationMs: this.durationMs - at,
      fromRate: ratePerSecond,
      toRate: ratePerSecond,
      before,
    });
    this.total = this.arrivalsBy(this.durationMs);
  }

  /**
   * Messages due by `tMs`: message i (0-based) is due once i arrivals have accrued, so message 0 leaves at the start.
   */
  dueBy(tMs: number): number {
    return Math.floor(this.arrivalsBy(Math.min(tMs, this.durationMs)) + 1e-9) + 1;
  }

  /** When message `index` is due, in ms from the start (inverse of arrivalsBy at `index`). */
  dueTimeOf(index: number): number {
    if (index <= 0) return 0;
    for (const seg of this.segments) {
      const after = seg.before + ((seg.fromRate + seg.toRate) / 2) * (seg.durationMs / 1000);
      if (index > after && seg !== this.segments[this.segments.length - 1]) continue;
      const n = index - seg.before;
      const slope = seg.durationMs > 0 ? (seg.toRate - seg.fromRate) / (seg.durationMs / 1000) : 0;
      let dt: number;
      if (Math.abs(slope) < 1e-12) {
        dt = seg.fromRate > 0 ? n / seg.fromRate : Number.POSITIVE_INFINITY;
      } else {
        // n = fromRate*dt + slope*dt²/2  →  dt = (-from + sqrt(from² + 2·slope·n)) / slope
        dt = (-seg.fromRate + Math.sqrt(Math.max(0, seg.fromRate * seg.fromRate + 2 * slope * n))) / slope;
      }
      return seg.startMs + dt * 1000;
    }
    return Number.POSITIVE_INFINITY;
  }
}
