/**
 * One frame of the live page (`run --live`): the report page's data (html/report-data.ts) for
 * the run so far, built the same way as the final page's, plus where the run is. The last
 * frame is the final report's data: the live page ends as index.html shows the run.
 */
import type { RunEvent } from '../../result/run-event.ts';
import type { RunSummary } from '../../result/run-summary.ts';
import { buildReportData, type ReportData } from '../html/report-data.ts';
import { TIMELINE_EVENT_TYPES } from '../html/timeline.ts';

export type LiveState =
  /** The run goes on: the page shows the run so far, no verdict. */
  | { state: 'running'; phase: string }
  /** The run reached its verdict: the data is the final report's. */
  | { state: 'ended'; verdict: RunSummary['verdict'] }
  /** The run stopped before its verdict (a signal, an error): the last frame stays, with why. */
  | { state: 'stopped'; reason: string };

export type LiveFrame = ReportData & { live: LiveState };

/** A frame of a running run (its provisional summary) or of the ended one (its final summary). */
export function liveFrame(summary: RunSummary, events: readonly RunEvent[], live: LiveState): LiveFrame {
  const timeline = events.filter((e) => TIMELINE_EVENT_TYPES.has(e.type));
  const data = buildReportData(summary, timeline, summary.timeseries);
  if (live.state !== 'running') return { ...data, live };
  // A fault that has begun and not ended yet is a band up to now, not an instant (bands
  // are the summary's faults, in order).
  const faultBands = data.faultBands.map((band, i) => {
    const f = summary.faults[i];
    const open = f !== undefined && f.observed.beginMs !== null && f.observed.endMs === null;
    return open && f.requested.endMs !== null && !band.failed ? { ...band, endS: data.endS } : band;
  });
  return { ...data, faultBands, live };
}

/** The frame after a stop: the last one drawn, marked stopped; null when the run never drew one. */
export function stoppedFrame(last: LiveFrame | null, reason: string): LiveFrame | null {
  return last ? { ...last, live: { state: 'stopped', reason } } : null;
}
