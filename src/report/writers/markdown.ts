import { agentLines, clockErrorSuffix } from '../agents-text.ts';
import { consumeRtoText, durationText, failedSendsText, switchText } from '../failover-text.ts';
import { describeOverrun } from '../../run/phase-overruns.ts';
/**
 * summary.md, sized for a pull-request comment: the verdict first, the headline numbers in one
 * table, where groups lost messages, whether ordered producers' keys arrived in order, every
 * check with ✓/✗, the diagnoses with their remedies, and the comparison with the baseline
 * when the run had one. Everything else stays in summary.json.
 */
import { formatObserved } from '../../checks/observed-text.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDelta, formatValue } from '../../compare/compare.ts';
import type { ReportWriter } from '../report-writer.ts';
import type { BreakdownCell } from '../../metrics/loss-breakdown.ts';
import type { RunSummary } from '../../result/run-summary.ts';
import { orderingText, orderingWindowsText } from '../ordering-text.ts';
import { checkBackLine, transactionHeadline } from '../transaction-text.ts';
import { timerLines } from '../timer-text.ts';
import { backlogDrainHeadline, RATE_STEP_COLUMNS, rateSearchHeadline, rateStepRow } from '../workload-text.ts';
import { deadLetterHeadline, RETRY_ATTEMPT_COLUMNS, retryAttemptRow } from '../dead-letter-text.ts';

/** A table cell: `|` would end the cell and a line break the row. */
export function mdCell(value: string | number): string {
  return String(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Inline code that survives backticks inside. */
function code(value: string): string {
  return value.includes('`') ? `\`\` ${value} \`\`` : `\`${value}\``;
}

function table(header: string[], rows: (string | number)[][], align?: ('l' | 'r' | 'c')[]): string[] {
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : align?.[i] === 'c' ? ':---:' : '---'));
  return [
    `| ${header.join(' | ')} |`,
    `| ${rule.join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ];
}

const ms = (v: number | null) => (v === null ? '-' : `${v} ms`);

function headline(s: RunSummary): string[] {
  const broker = s.backlog.finalBroker === null ? '' : ` (broker ${s.backlog.finalBroker})`;
  const backlogEnd = `${s.backlog.finalLedger}${broker}`;
  return table(
    [
      'acked/s',
      'e2e p50',
      'e2e p99',
      'send p99',
      'lost',
      'duplicates',
      'duplicate rate',
      'backlog end',
      'rebalance p99',
    ],
    [
      [
        s.producers.ackedPerSecond,
        ms(s.latency.e2e.p50),
        ms(s.latency.e2e.p99),
        ms(s.latency.send.p99),
        s.totals.lost,
        s.totals.duplicates,
        formatValue(s.totals.duplicateRate, 'fraction'),
        backlogEnd,
        ms(s.rebalance.assignmentLatency.p99),
      ],
    ],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function agents(s: RunSummary): string[] {
  if (!s.agents) return [];
  return [
    '',
    '### Agents',
    '',
    `End-to-end latency p50 ${ms(s.latency.e2e.p50)}, p99 ${ms(s.latency.e2e.p99)}${clockErrorSuffix(s.agents)}.`,
    '',
    ...agentLines(s.agents, Date.parse(s.run.startedAt)).map((line) => `- ${line}`),
  ];
}

function checks(s: RunSummary): string[] {
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const rows: string[][] = [
    ...s.checks.map((c) => [
      mark(c.ok),
      `threshold ${code(`${c.key}${c.instance ? ` [${c.instance}]` : ''} ${c.threshold}`)}`,
      formatObserved(c),
    ]),
    ...s.invariants.map((i) => [
      mark(i.ok),
      `invariant ${code(i.id)} ${i.expected === 'hold' ? 'holds' : 'is violated (expected)'}`,
      i.detail,
    ]),
    ...s.expectedDiagnoses.map((e) => [
      mark(e.fired),
      `diagnosis ${code(e.id)}${e.group ? ` (${e.group})` : ''} fires`,
      e.fired ? 'fired' : 'did not fire',
    ]),
  ];
  if (rows.length === 0) return ['No checks.'];
  return table(['', 'check', 'observed'], rows, ['c', 'l', 'l']);
}

/** Where each scope with loss lost it, by queue and by window (the report has every dimension). */
function lossBreakdown(s: RunSummary): string[] {
  const lines: string[] = [];
  for (const g of s.groups.filter((x) => x.lost > 0)) {
    const cells: { by: string; cell: BreakdownCell }[] = [
      ...g.breakdown.byQueue.filter((c) => c.lost > 0).map((cell) => ({ by: 'queue', cell })),
      ...g.breakdown.byWindow.filter((c) => c.lost > 0).map((cell) => ({ by: 'window', cell })),
    ];
    lines.push(
      '',
      `### Lost in ${code(g.scope)}: ${g.lost}, explained ${g.lostExplained}`,
      '',
      ...table(
        ['by', 'where', 'lost', 'first ids'],
        cells.map(({ by, cell }) => [
          by,
          code(cell.key),
          String(cell.lost),
          cell.lostIds.slice(0, 3).map(code).join(' '),
        ]),
        ['l', 'l', 'r', 'l'],
      ),
    );
  }
  return lines;
}

/** Per fault on a broker: the switch and the recovery times; nothing when the run had no replicas to watch. */
function failover(s: RunSummary): string[] {
  const records = s.failover?.faults ?? [];
  if (!s.failover) return [];
  return [
    '',
    '### Failover',
    '',
    ...(records.length === 0
      ? ['No fault hit a broker.']
      : table(
          ['fault', 'node hit', 'master', 'elect', 'send RTO', 'failed sends', 'consume RTO'],
          records.map((r) => [
            `${r.fault} (${code(r.target)})`,
            code(r.node),
            switchText(r),
            durationText(r.electMs),
            durationText(r.sendRtoMs),
            failedSendsText(r),
            consumeRtoText(r),
          ]),
        )),
  ];
}

/** Per fault that lasted: sends in its length before, during and after it; nothing when none lasted. */
function sendsAround(s: RunSummary): string[] {
  const around = s.sendsAroundFaults ?? [];
  if (around.length === 0) return [];
  const ms = (v: number | null) => (v === null ? '-' : `${v} ms`);
  return [
    '',
    '### Sends before, during and after each fault',
    '',
    ...table(
      ['fault', 'window', 'seconds', 'acked', 'send errors', 'mean send latency', 'worst second p99'],
      around.flatMap((a) =>
        (['before', 'during', 'after'] as const).map((w) => [
          `${a.fault} (${code(a.target)})`,
          w,
          a[w].seconds,
          a[w].acked,
          a[w].sendErrors,
          ms(a[w].meanMs),
          ms(a[w].worstP99Ms),
        ]),
      ),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
}

/** `rate: max`'s answer and curve; `backlog`'s build and drain; nothing when the plan has neither. */
function workloads(s: RunSummary): string[] {
  const lines: string[] = [];
  if (s.rateSearch)
    lines.push(
      '',
      '### Rate search',
      '',
      rateSearchHeadline(s.rateSearch),
      '',
      ...table([...RATE_STEP_COLUMNS], s.rateSearch.steps.map(rateStepRow), ['l', 'r', 'r', 'r', 'r', 'r', 'l']),
    );
  if (s.backlogDrain) lines.push('', '### Backlog build and drain', '', backlogDrainHeadline(s.backlogDrain));
  if (s.timers)
    lines.push(
      '',
      '### Delayed messages: lateness (first receipt − requested delivery time)',
      '',
      ...timerLines(s.timers).map((l) => `- ${l}`),
    );
  for (const d of s.deadLetters ?? []) {
    lines.push(
      '',
      `### Dead letters: ${d.group}`,
      '',
      deadLetterHeadline(
        d,
        s.groups.find((g) => g.scope === d.group),
      ),
    );
    if (d.timeline.attempts.length > 0)
      lines.push(
        '',
        ...table([...RETRY_ATTEMPT_COLUMNS], d.timeline.attempts.map(retryAttemptRow), [
          'l',
          'r',
          'r',
          'r',
          'r',
          'r',
          'r',
          'r',
        ]),
      );
  }
  if (s.transactions)
    lines.push('', '### Transactions', '', transactionHeadline(s.transactions), '', checkBackLine(s.transactions));
  return lines;
}

/** Whether each scope an ordered producer feeds saw its keys in order; nothing when none does. */
function ordering(s: RunSummary): string[] {
  const checked = s.groups.filter((g) => g.ordering.checked);
  if (checked.length === 0) return [];
  return [
    '',
    '### Ordering',
    '',
    ...table(
      ['scope', 'ordering', 'by window'],
      checked.map((g) => [code(g.scope), orderingText(g.ordering), orderingWindowsText(g.ordering) || '–']),
    ),
  ];
}

function diagnoses(s: RunSummary): string[] {
  if (s.diagnoses.length === 0) return ['None.'];
  return table(
    ['severity', 'id', 'group', 'summary', 'remedy'],
    s.diagnoses.map((f) => [
      `${f.severity}${f.expected ? ' (expected)' : ''}`,
      code(f.id),
      f.group,
      f.explains ? `${f.summary} (explains ${f.explains.lost} of ${f.explains.of} lost)` : f.summary,
      f.remedy,
    ]),
  );
}

function comparison(s: RunSummary): string[] {
  const c = s.comparison;
  if (!c) return [];
  const title =
    c.verdict === 'pass'
      ? 'no regression'
      : `${c.regressions.length} regression${c.regressions.length === 1 ? '' : 's'}`;
  return [
    '',
    `### Compared with baseline ${code(c.baseline.runId)}: ${title}`,
    '',
    ...c.notes.map((n) => `> ${n}`),
    ...(c.notes.length > 0 ? [''] : []),
    ...table(
      ['', 'metric', 'baseline', 'current', 'delta', 'tolerance'],
      c.metrics.map((m) => [
        m.regressed ? '✗' : m.note ? '·' : '✓',
        m.note ? `${m.label} (${m.note})` : m.label,
        formatValue(m.baseline, m.unit),
        formatValue(m.current, m.unit),
        formatDelta(m),
        m.toleranceText,
      ]),
      ['c', 'l', 'r', 'r', 'r', 'l'],
    ),
  ];
}

export function renderMarkdown(s: RunSummary): string {
  const pass = s.verdict === 'pass';
  const aborted = s.abortedBy
    ? ` · aborted at ${(s.abortedBy.atMs / 1000).toFixed(1)} s by ` +
      `${code(`${s.abortedBy.key} ${s.abortedBy.threshold}`)}`
    : '';
  const lines = [
    `## ${pass ? '✅' : '❌'} rmq-chaos ${code(s.run.plan)}: ${pass ? 'PASS' : 'FAIL'}`,
    '',
    `Run ${code(s.run.id)} · ${(s.run.wallMs / 1000).toFixed(1)} s · RocketMQ ${s.run.rocketmqVersion} · ` +
      `seed ${s.run.seed}${aborted}`,
    '',
    ...headline(s),
  ];
  if (!pass) lines.push('', '**Why it failed**', '', ...s.failures.map((f) => `- ${f.replace(/\r?\n/g, ' ')}`));
  const overruns = s.overruns ?? [];
  if (overruns.length > 0) lines.push('', '**Warnings**', '', ...overruns.map((o) => `- ${describeOverrun(o)}`));
  lines.push(...workloads(s), ...lossBreakdown(s), ...ordering(s), ...sendsAround(s), ...failover(s), ...agents(s));
  lines.push('', '### Checks', '', ...checks(s), '', '### Diagnoses', '', ...diagnoses(s), ...comparison(s), '');
  return lines.join('\n');
}

export const markdownWriter: ReportWriter = {
  name: 'markdown',
  async write(summary, reportDir) {
    const file = join(reportDir, 'summary.md');
    await writeFile(file, renderMarkdown(summary));
    return file;
  },
};
