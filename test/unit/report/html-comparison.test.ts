import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withComparison } from '../../../src/compare/attach.ts';
import { compareSummaries } from '../../../src/compare/compare.ts';
import { DEFAULT_TOLERANCES } from '../../../src/plan/compare-tolerances.ts';
import { comparisonView } from '../../../src/report/html/comparison.ts';
import { buildReportData } from '../../../src/report/html/report-data.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';

const base = JSON.parse(readFileSync('test/fixtures/runs/zombie-consumer/summary.json', 'utf8')) as RunSummary;
/** The fixture with throughput cut 30%: 49/s → 34/s, beyond the default -10%. */
const slower: RunSummary = {
  ...base,
  run: { ...base.run, id: 'slower-run' },
  producers: { ...base.producers, ackedPerSecond: Math.round(base.producers.ackedPerSecond * 0.7) },
};

describe('the page data for the baseline comparison', () => {
  it('is null without a baseline, and the summary carries no comparison of its own', () => {
    expect(comparisonView(undefined)).toBeNull();
    const data = buildReportData(base, [], []);
    expect(data.comparison).toBeNull();
    expect(data.summary).not.toHaveProperty('comparison');
  });

  it('writes each row as the console and summary.md do, the regressed one marked', () => {
    const comparison = compareSummaries(base, slower, {
      baselineSource: 'reports/base/summary.json',
      tolerances: { ...DEFAULT_TOLERANCES, e2e_p50: 'off' },
    });
    const data = buildReportData(withComparison(slower, comparison), [], []);
    const view = data.comparison!;
    expect(data.summary).not.toHaveProperty('comparison');
    expect(data.summary.verdict).toBe('fail');
    expect(view.baseline).toEqual({
      runId: base.run.id,
      plan: 'zombie-consumer',
      startedAt: base.run.startedAt,
      source: 'reports/base/summary.json',
    });
    expect(view.current.runId).toBe('slower-run');
    expect(view.rows.map((r) => r.metric)).toEqual(comparison.metrics.map((m) => m.metric));
    expect(view.rows.find((r) => r.metric === 'throughput')).toEqual({
      metric: 'throughput',
      label: 'acked/s',
      baseline: '49/s',
      current: '34/s',
      delta: '−15/s (−30.6%)',
      tolerance: '-10%',
      regressed: true,
      mark: '✗',
      result: '✗ regressed',
      note: null,
    });
    expect(view.rows.find((r) => r.metric === 'e2e_p99')).toMatchObject({
      baseline: '46207 ms',
      current: '46207 ms',
      delta: '±0 ms (±0.0%)',
      regressed: false,
      mark: '✓',
      result: '✓',
    });
    expect(view.rows.find((r) => r.metric === 'e2e_p50')).toMatchObject({
      tolerance: 'off',
      regressed: false,
      mark: '·',
      result: '· not compared (off)',
      note: 'not compared (off)',
    });
    expect(view.rows.filter((r) => r.regressed).map((r) => r.label)).toEqual(['acked/s']);
    expect(view.regressed).toEqual(['acked/s']);
    expect(view.verdict).toBe('regression');
    expect(view.title).toBe('1 regression');
    expect(view.verdictText).toBe(`REGRESSION (1 of ${comparison.metrics.length}: acked/s)`);
  });

  it('says so when nothing regressed, and passes the notes on', () => {
    const other: RunSummary = { ...base, run: { ...base.run, plan: 'smoke' } };
    const view = comparisonView(compareSummaries(base, other, { baselineSource: 'b' }))!;
    expect(view.verdict).toBe('pass');
    expect(view.regressed).toEqual([]);
    expect(view.title).toBe('no regression');
    expect(view.verdictText).toBe('PASS (no metric regressed beyond its tolerance)');
    expect(view.notes).toEqual(['the baseline is a run of plan zombie-consumer, this is a run of plan smoke']);
  });

  it('marks a metric the current run has no data for as regressed, with the reason', () => {
    const noRebalance: RunSummary = {
      ...base,
      rebalance: { ...base.rebalance, assignmentLatency: { ...base.rebalance.assignmentLatency, p99: null } },
    };
    const row = comparisonView(compareSummaries(base, noRebalance, { baselineSource: 'b' }))!.rows.find(
      (r) => r.metric === 'rebalance_p99',
    )!;
    expect(row).toMatchObject({
      current: '-',
      delta: '-',
      regressed: true,
      mark: '✗',
      result: '✗ regressed (no data in the current run)',
    });
  });
});
