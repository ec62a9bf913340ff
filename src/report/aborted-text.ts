/**
 * The words every report of an aborted run uses (console, summary.md, junit.xml, its page):
 * what stopped it, where, and what was cleaned up, as the summary says; decides nothing.
 */
import type { AbortedRunSummary } from '../result/run-summary.ts';
import type { ReleasedProcess, ReleaseReport } from '../runtime/run-resources.ts';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `in phase cluster, 91.2 s after the start: the name server lists no broker ... (readiness-timeout)`. */
export function abortHeadline(s: AbortedRunSummary): string {
  const a = s.aborted;
  return `in phase ${a.phase}, ${secs(a.atMs)} after the start: ${a.reason} (${a.kind})`;
}

/** `broker-a (pid 123): exit 1, ended by itself`. */
export function describeProcess(p: ReleasedProcess): string {
  const by =
    p.stoppedBy === 'release'
      ? 'stopped at the end'
      : p.stoppedBy === 'before-release'
        ? 'stopped earlier by rmq-chaos'
        : 'ended by itself';
  return `${p.name} (pid ${p.pid}): ${p.exit}, ${by}`;
}

/** What was cleaned up, one item a line: each step, each process, the containers and the work folder. */
export function cleanupItems(c: ReleaseReport): string[] {
  const steps =
    c.steps.length === 0
      ? ['cleanup steps: none (nothing had registered one yet)']
      : c.steps.map((step) => `cleanup ${step.name}: ${step.ok ? 'done' : `FAILED: ${step.error ?? 'unknown error'}`}`);
  const processes =
    c.processes.length === 0 ? ['processes: none started'] : c.processes.map((p) => `process ${describeProcess(p)}`);
  return [
    ...steps,
    ...processes,
    ...(c.containers
      ? [`containers labelled ${c.containers.label} and networks ${c.containers.networks.join(', ') || '-'}: removed`]
      : []),
    `work folder ${c.workDir.path}: ${c.workDir.deleted ? 'deleted' : 'kept (--keep)'}`,
  ];
}

/** What it had counted before it stopped. */
export function measuredSoFar(s: AbortedRunSummary): string {
  const errors = Object.values(s.producers.sendErrors).reduce((a, b) => a + b, 0);
  return (
    `attempted ${s.producers.attempted}, acked ${s.producers.acked}, send errors ${errors}, ` +
    `received ${s.totals.receipts}, samples ${s.timeseries.length}`
  );
}

/**
 * The end-of-run text for a run stopped before its verdict. The error's further lines and its
 * fix are not repeated: the error line printed right after it (the exit's) carries them.
 */
export function formatAbortedConsole(s: AbortedRunSummary): string {
  return [
    `plan ${s.run.plan}: ABORTED after ${secs(s.run.wallMs)}, ${abortHeadline(s)}`,
    `  measured so far  ${measuredSoFar(s)}`,
    ...s.crashes.map((crash) => `  crash: ${crash.description}`),
    ...cleanupItems(s.aborted.cleanup).map((item) => `  ${item}`),
  ].join('\n');
}
