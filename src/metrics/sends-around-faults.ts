/**
 * How sends fared before, during and after each fault that lasted: the acks, send errors and
 * send latency of the 1 s rows in three windows of the fault's length (before its begin, from
 * begin to end, after its end), counting only rows in which producers send (load, chaos, heal).
 * What shows a slowdown and its recovery within one run (disk.slow, network.latency), compared
 * with itself rather than with a number that depends on the machine.
 *
 * A row covers the second before its `t`: it belongs to the window that holds its middle. The
 * mean latency is exact (the rows' means weighted by their counts); percentiles of a window
 * would need the histograms the rows no longer keep, so the window says its worst second's p99.
 */
import type { TimeSeriesRow } from './time-series-row.ts';

export interface SendWindow {
  /** ms since the run started; the window is [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /** Rows with sending in the window. */
  seconds: number;
  acked: number;
  sendErrors: number;
  /** Mean send latency of the window's acked sends; null without any. */
  meanMs: number | null;
  /** The highest per-second p99 of the window; null without any. */
  worstP99Ms: number | null;
}

export interface SendsAroundFault {
  fault: string;
  action: string;
  target: string;
  before: SendWindow;
  during: SendWindow;
  after: SendWindow;
}

export interface LastedFault {
  fault: string;
  action: string;
  target: string;
  /** Observed, ms since the run started. */
  beginMs: number;
  endMs: number;
}

const SENDING = new Set(['load', 'chaos', 'heal']);

export function sendsAroundFaults(rows: readonly TimeSeriesRow[], faults: readonly LastedFault[]): SendsAroundFault[] {
  const sending = rows.filter((r) => SENDING.has(r.phase));
  return faults
    .filter((f) => f.endMs > f.beginMs)
    .map((f) => {
      const length = f.endMs - f.beginMs;
      return {
        fault: f.fault,
        action: f.action,
        target: f.target,
        before: sendWindow(sending, f.beginMs - length, f.beginMs),
        during: sendWindow(sending, f.beginMs, f.endMs),
        after: sendWindow(sending, f.endMs, f.endMs + length),
      };
    });
}

export function sendWindow(rows: readonly TimeSeriesRow[], fromMs: number, toMs: number): SendWindow {
  const inside = rows.filter((r) => r.t - 500 >= fromMs && r.t - 500 < toMs);
  let acked = 0;
  let sendErrors = 0;
  let weighted = 0;
  let counted = 0;
  let worst: number | null = null;
  for (const r of inside) {
    acked += r.acked;
    sendErrors += r.sendErrors;
    if (r.send.count > 0 && r.send.mean !== null) {
      weighted += r.send.mean * r.send.count;
      counted += r.send.count;
    }
    if (r.send.p99 !== null) worst = Math.max(worst ?? 0, r.send.p99);
  }
  return {
    fromMs,
    toMs,
    seconds: inside.length,
    acked,
    sendErrors,
    meanMs: counted > 0 ? Math.round((weighted / counted) * 10) / 10 : null,
    worstP99Ms: worst,
  };
}
