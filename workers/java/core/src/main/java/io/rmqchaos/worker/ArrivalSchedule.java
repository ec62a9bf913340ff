package io.rmqchaos.worker;

import java.util.ArrayList;
import java.util.List;

/**
 * When each message of an arrival-rate executor is due: a line-for-line port of
 * src/fleet/arrival-schedule.ts, so a Java producer sends on the same timetable as a Node one
 * and measures latency from the same due times (coordinated-omission correction).
 */
public final class ArrivalSchedule {
  private record Segment(double startMs, double durationMs, double fromRate, double toRate, double before) {}

  private final List<Segment> segments = new ArrayList<>();
  public final double durationMs;

  public ArrivalSchedule(Config.Executor executor, double durationMs) {
    if ("constant".equals(executor.kind)) {
      segments.add(new Segment(0, durationMs, executor.ratePerSecond, executor.ratePerSecond, 0));
    } else {
      double start = 0;
      double rate = executor.startRatePerSecond;
      double before = 0;
      for (Config.Stage stage : executor.stages) {
        segments.add(new Segment(start, stage.durationMs, rate, stage.targetPerSecond, before));
        before += ((rate + stage.targetPerSecond) / 2) * (stage.durationMs / 1000);
        start += stage.durationMs;
        rate = stage.targetPerSecond;
      }
      durationMs = Math.min(durationMs, start);
    }
    this.durationMs = durationMs;
  }

  /** Arrivals due in [0, tMs], a real number. */
  public double arrivalsBy(double tMs) {
    for (int i = 0; i < segments.size(); i++) {
      Segment seg = segments.get(i);
      if (tMs <= seg.startMs + seg.durationMs || i == segments.size() - 1) {
        double dt = Math.max(0, Math.min(tMs - seg.startMs, seg.durationMs)) / 1000;
        double slope = seg.durationMs > 0 ? (seg.toRate - seg.fromRate) / (seg.durationMs / 1000) : 0;
        return seg.before + seg.fromRate * dt + (slope * dt * dt) / 2;
      }
    }
    return 0;
  }

  /** Messages due by tMs: message i is due once i arrivals have accrued, so message 0 leaves at the start. */
  public long dueBy(double tMs) {
    return (long) Math.floor(arrivalsBy(Math.min(tMs, durationMs)) + 1e-9) + 1;
  }

  /** When message `index` is due, in ms from the start. */
  public double dueTimeOf(long index) {
    if (index <= 0) return 0;
    for (int i = 0; i < segments.size(); i++) {
      Segment seg = segments.get(i);
      boolean last = i == segments.size() - 1;
      double after = seg.before + ((seg.fromRate + seg.toRate) / 2) * (seg.durationMs / 1000);
      if (index > after && !last) continue;
      double n = index - seg.before;
      double slope = seg.durationMs > 0 ? (seg.toRate - seg.fromRate) / (seg.durationMs / 1000) : 0;
      double dt;
      if (Math.abs(slope) < 1e-12) {
        dt = seg.fromRate > 0 ? n / seg.fromRate : Double.POSITIVE_INFINITY;
      } else {
        dt = (-seg.fromRate + Math.sqrt(Math.max(0, seg.fromRate * seg.fromRate + 2 * slope * n))) / slope;
      }
      return seg.startMs + dt * 1000;
    }
    return Double.POSITIVE_INFINITY;
  }
}
