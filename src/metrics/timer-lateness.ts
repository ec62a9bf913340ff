/**
 * How late delayed messages arrive: per delayed message, its requested delivery time (send
 * time + requested delay, on the producer's clock moved onto the coordinator's) and its first
 * receipt by any consumer; lateness = first receipt − requested delivery time.
 *
 * Lateness may be negative. RocketMQ 5's timer wheel rounds a timer's delivery time down to
 * `timerPrecisionMs` (1 s by default; HookUtils.transformTimerMessage), so a timer can be
 * delivered up to that much before its time by design: such deliveries are counted as
 * `beforeDue`; only one earlier than the kind's tolerance (the precision for timers, 0 for
 * delay levels, which the broker schedules from the store time) is `early`, a bug.
 *
 * A receipt can reach the coordinator before its message's ack (acks leave every 250 ms): a
 * delayed producer's receipts of messages not acked yet wait in `unacked` until the ack says
 * whether the message was delayed. Kept per delayed message (about 100 bytes each), so plans
 * delay a share of a modest rate, not millions.
 */

import { newHistogram, recordMs, type Histogram } from './histogram.ts';

/** RocketMQ 5.3.3's MessageStoreConfig.timerPrecisionMs default. */
export const DEFAULT_TIMER_PRECISION_MS = 1000;

/** The timer precision a broker with this broker.conf has (its timerPrecisionMs, else the default). */
export function timerPrecisionOf(brokerConfig: Readonly<Record<string, unknown>>): number {
  const value = brokerConfig.timerPrecisionMs;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_TIMER_PRECISION_MS;
}

/** What a producer fleet asks of every delayed message: a delay level, or a 5.x timer. */
export interface DelayKind {
  kind: 'level' | 'timer';
  /** The delay level (1 = the first of messageDelayLevel), for `level`. */
  level?: number;
  /** The requested delay in ms (the level's from the broker's table). */
  delayMs: number;
}

/** Lateness figures in ms; negative values are deliveries before the requested time. */
export interface LatenessStats {
  count: number;
  min: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export interface TimerKindResult extends DelayKind {
  /** `level 2 (5s)` or `timer 3s`. */
  label: string;
  /** Delayed messages the broker acknowledged. */
  acked: number;
  /** Of them, received at least once by the end of the run. */
  delivered: number;
  /** Delivered before the requested time but within the tolerance (timers: the broker's precision). */
  beforeDue: number;
  /** Delivered earlier than the requested time minus the tolerance: a bug. */
  early: number;
  toleranceMs: number;
  lateness: LatenessStats;
}

/** The delayed messages that were pending when a fault began: sent before it, due after its start. */
export interface TimerFaultWindow {
  label: string;
  /** ms since run start. */
  fromMs: number;
  toMs: number | null;
  pending: number;
  delivered: number;
  early: number;
  lateness: LatenessStats;
}

/** Lateness over the run by requested delivery time, one bucket a second (ms since run start). */
export interface TimerLatenessPoint {
  t: number;
  count: number;
  min: number;
  p50: number;
  max: number;
}

export interface TimerSummary {
  kinds: TimerKindResult[];
  /** Every kind together. */
  overall: Omit<TimerKindResult, 'kind' | 'level' | 'delayMs' | 'label' | 'toleranceMs'>;
  overTime: TimerLatenessPoint[];
  faultWindows: TimerFaultWindow[];
}

interface Entry {
  sentAt: number;
  dueAt: number;
  /** First receipt time, NaN until received. */
  firstAt: number;
}

interface ProducerTrack {
  kind: DelayKind;
  entries: Map<number, Entry>;
  /** First receipt times of seqs whose ack has not come yet. */
  unacked: Map<number, number>;
  /** Seqs acked so far (to tell an undelayed message's late receipt from an early one's). */
  acked: Set<number>;
}

const BUCKET_MS = 1000;

/** A producer's delay setting (the worker config's `delay`) as the kind of its delayed messages. */
export function delayKindOf(delay: { delayMs: number; level?: number | undefined }): DelayKind {
  return delay.level !== undefined
    ? { kind: 'level', level: delay.level, delayMs: delay.delayMs }
    : { kind: 'timer', delayMs: delay.delayMs };
}

export function kindLabel(kind: DelayKind): string {
  const delay = formatMs(kind.delayMs);
  return kind.kind === 'level' ? `level ${kind.level} (${delay})` : `timer ${delay}`;
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export class TimerLateness {
  private readonly producers = new Map<string, ProducerTrack>();

  /** `timerPrecisionMs`: the broker's, how early a timer may come by design. */
  constructor(
    private readonly startedAt: number,
    private readonly timerPrecisionMs = DEFAULT_TIMER_PRECISION_MS,
  ) {}

  /** How early a delivery of `kind` may come by design: a timer's precision; a delay level never. */
  toleranceOf(kind: DelayKind): number {
    return kind.kind === 'timer' ? this.timerPrecisionMs : 0;
  }

  /** Delivered delayed messages earlier than their kind's tolerance allows (`timer_early`). */
  earlyCount(): number {
    let early = 0;
    for (const track of this.producers.values()) {
      const tolerance = this.toleranceOf(track.kind);
      for (const entry of track.entries.values()) if (entry.firstAt - entry.dueAt < -tolerance) early++;
    }
    return early;
  }

  /** A producer instance that sends delayed messages of `kind`. */
  registerProducer(producerId: string, kind: DelayKind): void {
    this.producers.set(producerId, { kind, entries: new Map(), unacked: new Map(), acked: new Set() });
  }

  get tracking(): boolean {
    return this.producers.size > 0;
  }

  /** An acked message; `dueAt` 0 for one that was not delayed. */
  acked(producerId: string, seq: number, sentAt: number, dueAt: number): void {
    const track = this.producers.get(producerId);
    if (!track) return;
    const early = track.unacked.get(seq);
    track.unacked.delete(seq);
    if (dueAt <= 0) {
      track.acked.add(seq);
      return;
    }
    track.entries.set(seq, { sentAt, dueAt, firstAt: early ?? Number.NaN });
  }

  /** A delivery of producer `producerId`'s message `seq` at `receivedAt`, in any scope. */
  received(producerId: string, seq: number, receivedAt: number): void {
    const track = this.producers.get(producerId);
    if (!track) return;
    const entry = track.entries.get(seq);
    if (entry) {
      if (!(entry.firstAt <= receivedAt)) entry.firstAt = receivedAt;
      return;
    }
    if (track.acked.has(seq)) return;
    const before = track.unacked.get(seq);
    if (before === undefined || receivedAt < before) track.unacked.set(seq, receivedAt);
  }

  /**
   * Lateness of every delivered delayed message for thresholds (`timer_lateness`), in a
   * histogram, which holds no negative values: a delivery before its time counts as 0 there
   * (`timer_early` counts the early ones).
   */
  latenessHistogram(): Histogram {
    const histogram = newHistogram();
    for (const track of this.producers.values())
      for (const entry of track.entries.values())
        if (!Number.isNaN(entry.firstAt)) recordMs(histogram, Math.max(0, entry.firstAt - entry.dueAt));
    return histogram;
  }

  /** The figures at the end of the run; `faults`: windows (ms since run start) whose pending messages to follow. */
  summarize(faults: readonly { label: string; fromMs: number; toMs: number | null }[] = []): TimerSummary {
    const byLabel = new Map<string, { kind: DelayKind; tolerance: number; entries: Entry[] }>();
    for (const track of this.producers.values()) {
      const label = kindLabel(track.kind);
      let group = byLabel.get(label);
      if (!group)
        byLabel.set(label, (group = { kind: track.kind, tolerance: this.toleranceOf(track.kind), entries: [] }));
      for (const entry of track.entries.values()) group.entries.push(entry);
    }
    const kinds: TimerKindResult[] = [];
    const all: { entry: Entry; tolerance: number }[] = [];
    for (const [label, { kind, tolerance, entries }] of byLabel) {
      kinds.push({ ...kind, label, toleranceMs: tolerance, ...counts(entries.map((entry) => ({ entry, tolerance }))) });
      for (const entry of entries) all.push({ entry, tolerance });
    }
    return {
      kinds,
      overall: counts(all),
      overTime: this.overTime(all.map((a) => a.entry)),
      faultWindows: faults.map((fault) => {
        const from = this.startedAt + fault.fromMs;
        const pending = all.filter(({ entry }) => entry.sentAt < from && entry.dueAt >= from);
        const c = counts(pending);
        return { ...fault, pending: c.acked, delivered: c.delivered, early: c.early, lateness: c.lateness };
      }),
    };
  }

  private overTime(entries: readonly Entry[]): TimerLatenessPoint[] {
    const buckets = new Map<number, number[]>();
    for (const entry of entries) {
      if (Number.isNaN(entry.firstAt)) continue;
      const t = Math.floor((entry.dueAt - this.startedAt) / BUCKET_MS) * BUCKET_MS;
      let values = buckets.get(t);
      if (!values) buckets.set(t, (values = []));
      values.push(entry.firstAt - entry.dueAt);
    }
    return [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([t, values]) => {
        values.sort((a, b) => a - b);
        return { t, count: values.length, min: values[0]!, p50: rank(values, 50), max: values[values.length - 1]! };
      });
  }
}

function counts(items: readonly { entry: Entry; tolerance: number }[]) {
  const lateness: number[] = [];
  let beforeDue = 0;
  let early = 0;
  for (const { entry, tolerance } of items) {
    if (Number.isNaN(entry.firstAt)) continue;
    const late = entry.firstAt - entry.dueAt;
    lateness.push(late);
    if (late < -tolerance) early++;
    else if (late < 0) beforeDue++;
  }
  return { acked: items.length, delivered: lateness.length, beforeDue, early, lateness: latenessStats(lateness) };
}

/** Exact percentiles (nearest rank) of ms values, which may be negative. */
export function latenessStats(values: number[]): LatenessStats {
  if (values.length === 0) return { count: 0, min: null, p50: null, p90: null, p99: null, max: null, mean: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    count: sorted.length,
    min: sorted[0]!,
    p50: rank(sorted, 50),
    p90: rank(sorted, 90),
    p99: rank(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: Math.round(mean * 10) / 10,
  };
}

function rank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
