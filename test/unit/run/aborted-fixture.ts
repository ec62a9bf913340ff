/** An aborted run's summary as the session assembles it: a cluster that did not start, nothing sent. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import type { AbortedRunSummary } from '../../../src/result/run-summary.ts';
import type { ReleaseReport } from '../../../src/runtime/run-resources.ts';
import { buildAbortedSummary } from '../../../src/run/build-aborted-summary.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { Measurements } from '../../../src/run/measurements.ts';
import { describeStop } from '../../../src/run/run-abort.ts';
import { HarnessError } from '../../../src/util/errors.ts';

export const plan = loadPlanText(
  `
description: aborted
topics: [{name: t}]
fleets:
  producers: [{name: p, topic: t, rate: 10/s}]
  consumers: [{name: billing, subscription: {t: "*"}}]
phases: {load: 1s}
thresholds:
  loss: ["count==0"]
`,
  'aborted.yaml',
);

export const cleanup: ReleaseReport = {
  steps: [],
  processes: [
    { name: 'namesrv-0', pid: 4101, exit: 'SIGTERM', stoppedBy: 'before-release' },
    { name: 'broker-a', pid: 4102, exit: 'exit 1', stoppedBy: 'itself' },
  ],
  workDir: { path: '/tmp/rmq-chaos/20261125-100000Z-aborted', deleted: true },
};

export function emptyMeasurements(): Measurements {
  return new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'aborted-')), 'events.ndjson')), 0);
}

export function abortedSummary(error: unknown = clusterTimeout(), signal?: string): AbortedRunSummary {
  const startedAt = Date.parse('2026-11-25T10:00:00.000Z');
  return buildAbortedSummary({
    plan,
    runId: '20261125-100000Z-aborted',
    startedAt,
    endedAt: startedAt + 92_500,
    cluster: undefined,
    measurements: emptyMeasurements(),
    crashes: [],
    faults: [],
    phases: { cluster: { startMs: 3, durationMs: 91_200 } },
    aborted: { ...describeStop({ error, phase: 'cluster', at: startedAt + 91_203 }, startedAt, signal), cleanup },
  });
}

export function clusterTimeout(): HarnessError {
  return new HarnessError(
    'readiness-timeout',
    'the name server lists no broker after 90000 ms',
    1,
    'see the broker log in the work folder (rerun with --keep)',
  );
}
