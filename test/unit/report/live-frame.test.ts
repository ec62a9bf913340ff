/**
 * Frames of the live page: the report's data for the run so far (a fault still on is a band up
 * to now), the final report's data at the end, and the last frame marked stopped after a stop.
 */
import { describe, expect, it } from 'vitest';
import { buildReportData } from '../../../src/report/html/report-data.ts';
import { TIMELINE_EVENT_TYPES } from '../../../src/report/html/timeline.ts';
import { liveFrame, stoppedFrame } from '../../../src/report/live/live-frame.ts';
import { readRunEvents, readRunSummary } from '../../../src/report/run-files.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';

const FIXTURE = 'test/fixtures/runs/flap-duplicates';

describe('live frames', () => {
  it('the ended frame is the final page’s data with the verdict', async () => {
    const summary = (await readRunSummary(FIXTURE)) as RunSummary;
    const events = await readRunEvents(FIXTURE, TIMELINE_EVENT_TYPES);
    const frame = liveFrame(summary, events, { state: 'ended', verdict: summary.verdict });
    const { live, ...data } = frame;
    expect(live).toEqual({ state: 'ended', verdict: summary.verdict });
    expect(data).toEqual(buildReportData(summary, events, summary.timeseries));
  });

  it('while running, a begun fault not yet ended is a band up to now; an instant one stays an instant', async () => {
    const whole = (await readRunSummary(FIXTURE)) as RunSummary;
    const [flap, restart] = whole.faults;
    const running: RunSummary = {
      ...whole,
      run: { ...whole.run, wallMs: 30_000 },
      // 30 s in: the flap is on, the restart has not begun (the run leaves faults not begun out).
      faults: [{ ...flap!, observed: { ...flap!.observed, endMs: null } }],
    };
    const frame = liveFrame(running, [], { state: 'running', phase: 'chaos' });
    expect(frame.faultBands.map((b) => [b.action, b.beginS, b.endS])).toEqual([['network.flap', 22.608, 30]]);
    // A restart is an instant (no requested end): begun and not yet observed ended, it stays one.
    const instant: RunSummary = {
      ...running,
      faults: [{ ...restart!, observed: { ...restart!.observed, endMs: null } }],
    };
    expect(liveFrame(instant, [], { state: 'running', phase: 'chaos' }).faultBands[0]!.endS).toBeNull();
  });

  it('a stop keeps the last frame, marked stopped with why; before any frame there is none', async () => {
    const summary = (await readRunSummary(FIXTURE)) as RunSummary;
    const last = liveFrame(summary, [], { state: 'running', phase: 'load' });
    expect(stoppedFrame(last, 'run aborted (SIGINT)')).toEqual({
      ...last,
      live: { state: 'stopped', reason: 'run aborted (SIGINT)' },
    });
    expect(stoppedFrame(null, 'x')).toBeNull();
  });
});
