/**
 * The matrix's rows from hand-made and fixture summaries, and its three views (page,
 * matrix.md, console table): every cell a person reads, skipped reasons, links and escaping.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMatrixConsole } from '../../../src/report/matrix/matrix-console.ts';
import { renderMatrixMarkdown } from '../../../src/report/matrix/matrix-markdown.ts';
import { renderMatrixPage } from '../../../src/report/matrix/matrix-page.ts';
import {
  failoverRtos,
  MATRIX_SCHEMA_VERSION,
  type MatrixResult,
  type MatrixRow,
  matrixVerdict,
  ranRow,
  type RunOutcome,
  worstRto,
} from '../../../src/report/matrix/matrix-result.ts';
import type { FailoverRecord } from '../../../src/metrics/failover-types.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';
import { abortedSummary } from '../run/aborted-fixture.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(`test/fixtures/runs/${name}/summary.json`, 'utf8')) as RunSummary;

const fault = (sendRtoMs: number | null, consumeRtoMs: Record<string, number | null>): FailoverRecord => ({
  fault: 'kill-master',
  target: 'broker-a@master',
  node: 'broker-a',
  brokerName: 'broker-a',
  beganAtMs: 10_000,
  masterBefore: 'broker-a',
  electMs: 4200,
  newMaster: 'broker-a-s1',
  sendRtoMs,
  failedSends: { SEND_TIMEOUT: 3 },
  consumeRtoMs,
});

const outcome = (
  summary: RunOutcome['summary'],
  exitCode: number | null,
  dir = '5.3.3-master-slave/run',
): RunOutcome => ({
  exitCode,
  summary,
  problem: undefined,
  runDir: dir,
  report: `${dir}/index.html`,
});

const base = (version: string, ha: string) => ({ combination: `${version} × ${ha}`, version, ha });

/** A failover run: two faults, the second never recovered for one group. */
function failoverSummary(): RunSummary {
  const s = fixture('flap-duplicates');
  return {
    ...s,
    failover: {
      roles: [],
      faults: [fault(1800, { billing: 2500, audit: 900 }), fault(3100, { billing: 1200, audit: null })],
    },
  };
}

function result(rows: MatrixRow[], verdict: MatrixResult['verdict'] = matrixVerdict(rows, false)): MatrixResult {
  return {
    schema: 'rmq-chaos/matrix',
    schemaVersion: MATRIX_SCHEMA_VERSION,
    plan: 'smoke',
    planFile: '/work/plans/smoke.yaml',
    sets: ['phases.load=5s'],
    startedAt: '2026-12-06T10:00:00.000Z',
    endedAt: '2026-12-06T10:03:00.000Z',
    verdict,
    rows,
  };
}

/** One row of each kind: pass with failover, fail with loss, aborted, skipped. */
function mixedRows(): MatrixRow[] {
  const failed: RunSummary = {
    ...fixture('zombie-consumer'),
    totals: { ...fixture('zombie-consumer').totals, lost: 12 },
    failures: ['threshold loss count==0 (observed 12)', 'invariant no-loss violated'],
    verdict: 'fail',
  };
  return [
    ranRow(base('5.3.3', 'master-slave'), outcome(failoverSummary(), 0)),
    ranRow(base('4.9.7', 'none'), outcome(failed, 99, '4.9.7-none/20261206-100000Z-smoke')),
    ranRow(base('5.3.3', 'none'), outcome(abortedSummary(), 1, '5.3.3-none/run')),
    {
      ...base('4.9.7', 'controller'),
      status: 'skipped',
      reason: ['cluster.ha: ha controller needs RocketMQ 5.x (RocketMQ 4.9.7 has no controller) <b>'],
    },
  ];
}

describe('matrix rows', () => {
  it('takes the worst RTO, a never-recovered one above any number, and none without faults', () => {
    expect(worstRto([])).toBeNull();
    expect(worstRto([300, 1200, 40])).toBe(1200);
    expect(worstRto([300, null])).toBe('never');
    expect(failoverRtos(undefined)).toEqual({ send: null, consume: null });
    expect(failoverRtos({ roles: [], faults: [] })).toEqual({ send: null, consume: null });
    expect(failoverRtos(failoverSummary().failover)).toEqual({ send: 3100, consume: 'never' });
    expect(failoverRtos({ roles: [], faults: [fault(null, { billing: 700 })] })).toEqual({
      send: 'never',
      consume: 700,
    });
  });

  it('reads a passed run: loss, duplicates, RTOs, e2e p99 and each diagnosis once', () => {
    const row = ranRow(base('5.3.3', 'master-slave'), outcome(failoverSummary(), 0));
    expect(row).toMatchObject({
      status: 'ran',
      verdict: 'pass',
      failed: false,
      why: null,
      lost: 0,
      duplicates: 747,
      sendRtoMs: 3100,
      consumeRtoMs: 'never',
      e2eP99Ms: 14567,
      diagnoses: ['duplicate-burst', 'backlog-growth'],
      report: '5.3.3-master-slave/run/index.html',
    });
    const twice = { ...failoverSummary(), diagnoses: [...fixture('flap-duplicates').diagnoses] };
    twice.diagnoses.push({ ...twice.diagnoses[0]!, group: 'audit' });
    expect(ranRow(base('a', 'b'), outcome(twice, 0)).diagnoses).toEqual(['duplicate-burst', 'backlog-growth']);
  });

  it('fails a failed verdict, an aborted run, a pass that exited non-zero and a run without a summary', () => {
    const [, failed, aborted] = mixedRows() as [MatrixRow, MatrixRow, MatrixRow];
    expect(failed).toMatchObject({
      verdict: 'fail',
      failed: true,
      lost: 12,
      why: 'threshold loss count==0 (observed 12) (and 1 more)',
    });
    expect(aborted).toMatchObject({
      verdict: 'aborted',
      failed: true,
      lost: null,
      duplicates: null,
      diagnoses: [],
      why: 'aborted in cluster: the name server lists no broker after 90000 ms',
    });
    const passButExit1 = ranRow(base('a', 'b'), outcome(fixture('flap-duplicates'), 1));
    expect(passButExit1).toMatchObject({ verdict: 'pass', failed: true, why: 'exited 1' });
    const none = ranRow(base('a', 'b'), {
      exitCode: 1,
      summary: undefined,
      problem: 'Java 17+ is needed',
      runDir: null,
      report: null,
    });
    expect(none).toMatchObject({ verdict: 'error', failed: true, why: 'exited 1: Java 17+ is needed', lost: null });
    expect(matrixVerdict(mixedRows(), false)).toBe('fail');
    expect(matrixVerdict(mixedRows().slice(0, 1), false)).toBe('pass');
    expect(matrixVerdict(mixedRows().slice(3), false)).toBe('pass');
    expect(matrixVerdict(mixedRows().slice(0, 1), true)).toBe('stopped');
  });
});

describe('matrix page', () => {
  const html = renderMatrixPage(result(mixedRows()));
  const rows = html.split('\n').filter((line) => line.startsWith('<tr class='));

  it('has one row per combination with its verdict, numbers and a link to the run', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('<h1><span class="verdict matrix-fail">fail</span> matrix smoke</h1>');
    expect(html).toContain('4 combinations: 1 passed, 2 failed; 1 skipped');
    expect(rows).toHaveLength(4);
    const cells = (row: string) => [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
    expect(cells(rows[0]!)).toEqual([
      '5.3.3 × master-slave',
      'pass',
      '0',
      '747',
      '3100 ms',
      'not recovered',
      '14567 ms',
      'duplicate-burst, backlog-growth',
      '5.3.3-master-slave/run',
    ]);
    expect(rows[0]).toContain('<a href="5.3.3-master-slave/run/index.html">');
    expect(rows[1]).toMatch(/^<tr class="fail">/);
    expect(cells(rows[1]!).slice(1, 5)).toEqual([
      'failthreshold loss count==0 (observed 12) (and 1 more)',
      '12',
      '1128',
      '—',
    ]);
    expect(rows[1]).toContain('<td class="n bad">12</td>');
    expect(rows[2]).toMatch(/^<tr class="aborted">/);
    expect(cells(rows[2]!).slice(2, 8)).toEqual(['—', '—', '—', '—', '—', '—']);
  });

  it('says why a combination was skipped, escaped, across the metric columns', () => {
    expect(rows[3]).toMatch(/^<tr class="skipped"><td class="combo">4\.9\.7 × controller<\/td>/);
    expect(rows[3]).toContain('<td colspan="7" class="reason"><div>cluster.ha: ha controller needs RocketMQ 5.x');
    expect(rows[3]).toContain('has no controller) &lt;b&gt;</div>');
    expect(html).not.toContain('<b>');
  });
});

describe('matrix.md and the console table', () => {
  it('matrix.md: verdict line, one table row per combination, the skip reason and the failure in place', () => {
    const md = renderMatrixMarkdown(result(mixedRows()));
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ rmq-chaos matrix `smoke`: FAIL');
    expect(lines[2]).toBe(
      '4 combinations: 1 passed, 2 failed; 1 skipped. Plan `/work/plans/smoke.yaml` with `--set phases.load=5s`, ' +
        'started 2026-12-06T10:00:00.000Z.',
    );
    const table = lines.filter((l) => l.startsWith('| ')).map((l) => l.slice(2, -2).split(' | '));
    expect(table[0]).toEqual([
      'combination',
      'verdict',
      'lost',
      'duplicates',
      'send RTO',
      'consume RTO',
      'e2e p99',
      'diagnoses',
      'report / why',
    ]);
    expect(table[2]).toEqual([
      '5.3.3 × master-slave',
      'pass',
      '0',
      '747',
      '3100 ms',
      'not recovered',
      '14567 ms',
      'duplicate-burst, backlog-growth',
      '[5.3.3-master-slave/run](5.3.3-master-slave/run/index.html)',
    ]);
    expect(table[3]?.[8]).toBe(
      '[4.9.7-none/20261206-100000Z-smoke](4.9.7-none/20261206-100000Z-smoke/index.html) ' +
        'threshold loss count==0 (observed 12) (and 1 more)',
    );
    expect(table[5]?.slice(0, 2)).toEqual(['4.9.7 × controller', 'skipped']);
    expect(table[5]?.[8]).toMatch(/^skipped: cluster\.ha: ha controller needs RocketMQ 5\.x/);
    expect(table).toHaveLength(2 + 4);
  });

  it('console: aligned columns, then why each combination that did not pass did not', () => {
    const text = formatMatrixConsole(result(mixedRows()));
    const lines = text.split('\n');
    expect(lines.slice(1, 6)).toEqual([
      'combination           verdict  lost  duplicates  send RTO    consume RTO   e2e p99  diagnoses',
      '5.3.3 × master-slave  pass        0         747   3100 ms  not recovered  14567 ms  ' +
        'duplicate-burst, backlog-growth',
      '4.9.7 × none          fail       12        1128         —              —  46207 ms  ' +
        'stale-consumer, duplicate-burst, backlog-growth',
      '5.3.3 × none          aborted     —           —         —              —         —  —',
      '4.9.7 × controller    skipped     —           —         —              —         —  —',
    ]);
    expect(lines.slice(6)).toEqual([
      '  4.9.7 × none: threshold loss count==0 (observed 12) (and 1 more)',
      '  5.3.3 × none: aborted in cluster: the name server lists no broker after 90000 ms',
      '  4.9.7 × controller: skipped: cluster.ha: ha controller needs RocketMQ 5.x (RocketMQ 4.9.7 has no ' +
        'controller) <b>',
    ]);
  });
});
