import { sendsAroundLine } from './sends-around-text.ts';
import { agentLines, clockErrorSuffix } from './agents-text.ts';
import { failoverLine } from './failover-text.ts';
import { describeOverrun } from '../run/phase-overruns.ts';
import { formatObserved } from '../checks/observed-text.ts';
import type { RunSummary } from '../result/run-summary.ts';
import type { BreakdownCell } from '../metrics/loss-breakdown.ts';
import { orderingText, orderingWindowsText } from './ordering-text.ts';
import { checkBackLine, transactionHeadline } from './transaction-text.ts';
import { timerLines } from './timer-text.ts';
import { backlogDrainHeadline, rateSearchHeadline, rateStepRow } from './workload-text.ts';
import { deadLetterHeadline, retryAttemptLine } from './dead-letter-text.ts';

/** The end-of-run text a person reads first: verdict, headline numbers, checks. */
export function formatConsoleSummary(s: RunSummary): string {
  const lines: string[] = [];
  const secs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`);
  lines.push(
    `plan ${s.run.plan}: ${s.verdict === 'pass' ? 'PASS' : 'FAIL'} in ${secs(s.run.wallMs)} (cluster start ` +
      `${secs(s.cluster.startMs)})`,
  );
  if (s.cluster.images)
    lines.push(
      `  images    ${Object.entries(s.cluster.images)
        .map(([role, ref]) => `${role} ${ref}`)
        .join(', ')}`,
    );
  const errors = Object.entries(s.producers.sendErrors);
  const errorText = errors.length ? ` (${errors.map(([code, n]) => `${code}: ${n}`).join(', ')})` : '';
  lines.push(
    `  produced  attempted ${s.producers.attempted}, acked ${s.producers.acked} ` +
      `(${s.producers.ackedPerSecond}/s), send errors ` +
      `${errors.reduce((a, [, n]) => a + n, 0)}${errorText}` +
      `${s.producers.dropped ? `, dropped ${s.producers.dropped}` : ''}`,
  );
  for (const g of s.groups) {
    const per = Object.entries(g.perInstance)
      .map(([instance, n]) => `${instance}=${n}`)
      .join(' ');
    const explained = g.lost > 0 ? ` (explained ${g.lostExplained})` : '';
    lines.push(
      `  ${g.scope.padEnd(9)} received ${g.receipts}, unique ${g.unique}, duplicates ${g.duplicates}, lost ` +
        `${g.lost}${explained}, unexpected ${g.unexpected}  [${per}]`,
    );
    const pulls = Object.entries(s.pullErrors?.[g.scope] ?? {});
    if (pulls.length > 0)
      lines.push(
        `            pull errors     ${pulls.reduce((a, [, n]) => a + n, 0)} ` +
          `(${pulls.map(([reason, n]) => `${reason}: ${n}`).join(', ')})`,
      );
    if (g.lost > 0) {
      lines.push(`            lost by queue   ${topCells(g.breakdown.byQueue)}`);
      lines.push(`            lost by window  ${topCells(g.breakdown.byWindow)}`);
    }
    // Only where an ordered producer feeds the scope: elsewhere there was nothing to check.
    if (g.ordering.checked) {
      lines.push(`            ordering        ${orderingText(g.ordering)}`);
      const windows = orderingWindowsText(g.ordering);
      if (windows) lines.push(`            out of order by window  ${windows}`);
    }
  }
  for (const [name, l] of [
    ['e2e latency ', s.latency.e2e],
    ['send latency', s.latency.send],
  ] as const) {
    if (l.count > 0)
      lines.push(
        `  ${name}  p50 ${l.p50}ms  p90 ${l.p90}ms  p99 ${l.p99}ms  max ${l.max}ms  (${l.count})` +
          `${name.startsWith('e2e') ? clockErrorSuffix(s.agents) : ''}`,
      );
  }
  if (s.agents) for (const line of agentLines(s.agents, Date.parse(s.run.startedAt))) lines.push(`  agent  ${line}`);
  const causes = Object.entries(s.duplicateCauses);
  if (causes.length > 0)
    lines.push(`  duplicates by cause  ${causes.map(([cause, n]) => `${cause}: ${n}`).join(', ')}`);
  for (const e of s.rebalance.events.filter(
    (e) => e.kind !== 'join' || e.assignmentLatencyMs === null || e.assignmentLatencyMs > 0,
  )) {
    const ms = (v: number | null) => (v === null ? 'not reached' : `${v} ms`);
    lines.push(
      `  rebalance  ${e.kind} ${e.instance} (${e.group}): assignment ${ms(e.assignmentLatencyMs)}, resume ` +
        `${ms(e.resumeLatencyMs)}`,
    );
  }
  if (s.rateSearch) {
    lines.push(`  ${rateSearchHeadline(s.rateSearch)}`);
    for (const step of s.rateSearch.steps) {
      const [n, offered, achieved, send, e2e, slope, ok] = rateStepRow(step);
      lines.push(
        `    step ${n}: ${offered} → acked ${achieved}, send p99 ${send}, e2e p99 ${e2e}, backlog ${slope}: ${ok}`,
      );
    }
  }
  if (s.backlogDrain) lines.push(`  ${backlogDrainHeadline(s.backlogDrain)}`);
  if (s.timers) for (const line of timerLines(s.timers)) lines.push(`  delayed ${line}`);
  for (const d of s.deadLetters ?? []) {
    lines.push(
      `  ${deadLetterHeadline(
        d,
        s.groups.find((g) => g.scope === d.group),
      )}`,
    );
    for (const attempt of d.timeline.attempts) lines.push(`    ${retryAttemptLine(attempt)}`);
  }
  if (s.transactions) lines.push(`  ${transactionHeadline(s.transactions)}`, `  ${checkBackLine(s.transactions)}`);
  lines.push(`  backlog at the end  ledger ${s.backlog.finalLedger}, broker ${s.backlog.finalBroker ?? 'not sampled'}`);
  lines.push(`  drained: ${s.totals.drained ? 'yes' : 'no (backlog left at the end of drain)'}`);
  for (const f of s.faults) {
    const at = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`);
    lines.push(
      `  fault  ${f.action} ${f.target} #${f.occurrence}: ${at(f.observed.beginMs)} → ` +
        `${at(f.observed.endMs)}${f.error ? `  FAILED: ${f.error}` : `  (${f.observed.detail})`}`,
    );
  }
  for (const around of s.sendsAroundFaults ?? []) lines.push(sendsAroundLine(around));
  for (const r of s.failover?.faults ?? []) lines.push(failoverLine(r));
  for (const crash of s.crashes)
    lines.push(`  crash: ${crash.description}${crash.failsRun ? '' : ' (allowed by onCrash: continue)'}`);
  if (s.abortedBy)
    lines.push(
      `  aborted at ${secs(s.abortedBy.atMs)}: threshold ${s.abortedBy.key} ${s.abortedBy.threshold} failed ` +
        `(observed ${formatObserved(s.abortedBy)})`,
    );
  for (const o of s.overruns ?? []) lines.push(`  warning: ${describeOverrun(o)}`);
  lines.push(...formatDiagnoses(s));
  for (const c of s.checks) {
    lines.push(
      `  ${c.ok ? '✓' : '✗'} ${c.key}${c.instance ? ` [${c.instance}]` : ''} ${c.threshold}  (observed ` +
        `${formatObserved(c)})`,
    );
  }
  for (const i of s.invariants) {
    const state = i.held ? 'holds' : 'violated';
    const expectation =
      i.expected === 'violated' ? (i.held ? ' (the plan expects it violated)' : ' as the plan expects') : '';
    lines.push(`  ${i.ok ? '✓' : '✗'} invariant ${i.id} ${state}${expectation}  (${i.detail})`);
  }
  for (const e of s.expectedDiagnoses) {
    lines.push(
      `  ${e.fired ? '✓' : '✗'} expected diagnosis ${e.id}${e.group ? ` (${e.group})` : ''} ` +
        `${e.fired ? 'fired' : 'did not fire'}`,
    );
  }
  return lines.join('\n');
}

/** `a: 300, b: 200 and 6 more queues` from a breakdown table, largest first. */
function topCells(cells: readonly BreakdownCell[], shown = 4): string {
  const lost = cells.filter((c) => c.lost > 0);
  const more = lost.length > shown ? ` and ${lost.length - shown} more` : '';
  return `${lost
    .slice(0, shown)
    .map((c) => `${c.key}: ${c.lost}`)
    .join(', ')}${more}`;
}

/** Each diagnosis: severity, id, group, what is wrong, its key evidence and the remedy. */
function formatDiagnoses(s: RunSummary): string[] {
  if (s.diagnoses.length === 0) return ['  diagnoses  none'];
  const lines = [`  diagnoses  ${s.diagnoses.length}`];
  for (const f of s.diagnoses) {
    lines.push(
      `  ${f.severity === 'critical' ? '!!' : '! '} ${f.id} [${f.group}]${f.expected ? ' (expected)' : ''}: ` +
        `${f.summary}${f.explains ? ` [explains ${f.explains.lost} of ${f.explains.of} lost]` : ''}`,
    );
    lines.push(`       seen ${secsSince(s, f.firstSeenAt)} → ${secsSince(s, f.lastSeenAt)}; remedy: ${f.remedy}`);
  }
  return lines;
}

function secsSince(s: RunSummary, at: number): string {
  return `${((at - Date.parse(s.run.startedAt)) / 1000).toFixed(1)}s`;
}
