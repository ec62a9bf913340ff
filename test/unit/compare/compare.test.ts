import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withComparison } from '../../../src/compare/attach.ts';
import { compareSummaries, formatDelta, formatValue } from '../../../src/compare/compare.ts';
import { extractMetrics } from '../../../src/compare/metrics.ts';
import { DEFAULT_TOLERANCES, exceeds, formatTolerance, type Tolerances } from '../../../src/plan/compare-tolerances.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(`test/fixtures/runs/${name}/summary.json`, 'utf8')) as RunSummary;
const base = fixture('zombie-consumer');

/** A copy of the fixture with throughput cut 30% and e2e p99 doubled. */
function regressed(s: RunSummary): RunSummary {
  return {
    ...s,
    producers: { ...s.producers, ackedPerSecond: Math.round(s.producers.ackedPerSecond * 0.7) },
    latency: { ...s.latency, e2e: { ...s.latency.e2e, p99: (s.latency.e2e.p99 ?? 0) * 2 } },
  };
}

const PLAN_HEAD = 'description: d\ntopics: [{name: t}]\nphases: {load: 5s}\n';

describe('comparable metrics', () => {
  it('reads each metric from a summary', () => {
    expect(extractMetrics(base)).toEqual({
      throughput: 49,
      e2e_p50: 3,
      e2e_p99: 46207,
      send_p99: 10,
      duplicate_rate: base.totals.duplicateRate,
      loss: 0,
      rebalance_p99: base.rebalance.assignmentLatency.p99,
      resume_p99: base.rebalance.resumeLatency.p99,
      backlog_max: Math.max(...base.timeseries.map((r) => r.backlogLedger)),
    });
  });
});

describe('compareSummaries', () => {
  it('passes an unchanged run', () => {
    const c = compareSummaries(base, structuredClone(base), { baselineSource: 'b' });
    expect(c.verdict).toBe('pass');
    expect(c.regressions).toEqual([]);
    expect(c.metrics.every((m) => m.delta === 0)).toBe(true);
    expect(c.notes).toEqual([]);
  });

  it('flags throughput cut 30% and p99 doubled, with deltas, and nothing else', () => {
    const c = compareSummaries(base, regressed(base), { baselineSource: 'b' });
    expect(c.verdict).toBe('regression');
    expect(c.regressions).toEqual(['throughput', 'e2e_p99']);
    const throughput = c.metrics.find((m) => m.metric === 'throughput')!;
    expect(throughput).toMatchObject({
      baseline: 49,
      current: 34,
      delta: -15,
      direction: 'higher-is-better',
      toleranceText: '-10%',
      regressed: true,
    });
    expect(throughput.deltaPct).toBeCloseTo(-30.6, 1);
    expect(c.metrics.find((m) => m.metric === 'e2e_p99')).toMatchObject({
      baseline: 46207,
      current: 92414,
      deltaPct: 100,
      toleranceText: '+20% and +5 ms',
      regressed: true,
    });
  });

  it('does not flag improvements', () => {
    const better: RunSummary = {
      ...base,
      producers: { ...base.producers, ackedPerSecond: 1000 },
      latency: { ...base.latency, e2e: { ...base.latency.e2e, p99: 1 } },
    };
    expect(compareSummaries(base, better, { baselineSource: 'b' }).verdict).toBe('pass');
  });

  it('needs both bounds exceeded: 2 ms → 3 ms is +50% but only +1 ms', () => {
    const latency = { direction: 'lower-is-better' } as const;
    expect(exceeds({ relative: 0.2, absolute: 5 }, latency, 2, 3)).toBe(false);
    expect(exceeds({ relative: 0.2, absolute: 5 }, latency, 2, 8)).toBe(true);
    expect(exceeds({ relative: 0.2, absolute: 5 }, latency, 100, 119)).toBe(false);
    expect(exceeds({ relative: 0.2, absolute: 5 }, latency, 100, 121)).toBe(true);
    expect(exceeds({ relative: null, absolute: 0.001 }, latency, 0.0005, 0.0014)).toBe(false);
    expect(exceeds({ relative: null, absolute: 0.001 }, latency, 0.0005, 0.0016)).toBe(true);
    expect(exceeds({ relative: null, absolute: 0 }, latency, 0, 1)).toBe(true);
  });

  it('flags a metric the baseline had and the run lacks, and skips one the baseline lacks', () => {
    const noRebalance = (s: RunSummary): RunSummary => ({
      ...s,
      rebalance: { ...s.rebalance, assignmentLatency: { ...s.rebalance.assignmentLatency, p99: null } },
    });
    const missingNow = compareSummaries(base, noRebalance(base), { baselineSource: 'b' });
    expect(missingNow.metrics.find((m) => m.metric === 'rebalance_p99')).toMatchObject({
      regressed: true,
      note: 'no data in the current run',
    });
    const missingBefore = compareSummaries(noRebalance(base), base, { baselineSource: 'b' });
    expect(missingBefore.metrics.find((m) => m.metric === 'rebalance_p99')).toMatchObject({
      regressed: false,
      note: 'no data in the baseline',
    });
    expect(missingBefore.verdict).toBe('pass');
  });

  it('notes runs of different plans', () => {
    expect(compareSummaries(fixture('flap-duplicates'), base, { baselineSource: 'b' }).notes).toEqual([
      'the baseline is a run of plan flap-duplicates, this is a run of plan zombie-consumer',
    ]);
  });

  it('puts the comparison into the summary: a failure line per regression and a failing verdict', () => {
    const current = regressed(base);
    const summary = withComparison(current, compareSummaries(base, current, { baselineSource: 'perf/b/summary.json' }));
    expect(summary.verdict).toBe('fail');
    expect(summary.comparison?.baseline).toMatchObject({ runId: base.run.id, source: 'perf/b/summary.json' });
    expect(summary.failures).toEqual([
      `regression against baseline ${base.run.id}: acked/s 49/s → 34/s (-30.6%), tolerance -10%`,
      `regression against baseline ${base.run.id}: e2e p99 46207 ms → 92414 ms (+100.0%), tolerance +20% and +5 ms`,
    ]);
    const unchanged = withComparison(base, compareSummaries(base, base, { baselineSource: 'b' }));
    expect(unchanged.verdict).toBe('pass');
    expect(unchanged.failures).toEqual([]);
  });
});

describe('formatting', () => {
  it('prints values and deltas in the metric unit', () => {
    expect([0, 0.3222, 100, 1.5, 0.001, 10].map((v) => formatValue(v, 'fraction'))).toEqual([
      '0',
      '0.322',
      '100',
      '1.5',
      '0.001',
      '10',
    ]);
    expect(formatValue(12.34, 'ms')).toBe('12.3 ms');
    expect(formatValue(null, 'ms')).toBe('-');
    expect(formatDelta({ delta: -15, deltaPct: -30.61, unit: 'per-second' })).toBe('−15/s (−30.6%)');
    expect(formatDelta({ delta: 0.002, deltaPct: null, unit: 'fraction' })).toBe('+0.002');
  });
});

describe('tolerances from the plan', () => {
  it('defaults when the plan has no compare section', () => {
    expect(loadPlanText(PLAN_HEAD, 'p.yaml').compare.tolerances).toEqual(DEFAULT_TOLERANCES);
  });

  it(
    'a short form replaces the bound of its kind and keeps the other; ' +
      'the map form sets both; off turns a bound or a metric off',
    () => {
      const plan = loadPlanText(
        `${PLAN_HEAD}compare:\n  tolerances:\n    throughput: -35%\n    e2e_p99: +50%\n    send_p99: ` +
          `+20ms\n    e2e_p50: off\n    duplicate_rate: 0.01\n    backlog_max: {relative: off, absolute: ` +
          `+5000}\n    rebalance_p99: {relative: +10%, absolute: 1s}\n`,
        'p.yaml',
      );
      const t: Tolerances = plan.compare.tolerances;
      expect(t.throughput).toEqual({ relative: 0.35, absolute: null });
      expect(t.e2e_p99).toEqual({ relative: 0.5, absolute: 5 });
      expect(t.send_p99).toEqual({ relative: 0.2, absolute: 20 });
      expect(t.e2e_p50).toBe('off');
      expect(t.duplicate_rate).toEqual({ relative: null, absolute: 0.01 });
      expect(t.backlog_max).toEqual({ relative: null, absolute: 5000 });
      expect(t.rebalance_p99).toEqual({ relative: 0.1, absolute: 1000 });
      expect(t.loss).toEqual(DEFAULT_TOLERANCES.loss);
      expect(formatTolerance(t.rebalance_p99, { direction: 'lower-is-better', unit: 'ms' })).toBe('+10% and +1000 ms');
    },
  );

  it('overrides change the verdict: a 30% drop passes with -35% and an off metric is not judged', () => {
    const plan = loadPlanText(`${PLAN_HEAD}compare:\n  tolerances: {throughput: -35%, e2e_p99: off}\n`, 'p.yaml');
    const c = compareSummaries(base, regressed(base), { baselineSource: 'b', tolerances: plan.compare.tolerances });
    expect(c.verdict).toBe('pass');
    expect(c.metrics.find((m) => m.metric === 'e2e_p99')).toMatchObject({
      toleranceText: 'off',
      regressed: false,
      note: 'not compared (off)',
    });
  });

  it('a --set override reaches the tolerances', () => {
    const plan = loadPlanText(PLAN_HEAD, 'p.yaml', ['compare.tolerances.throughput=-5%']);
    expect(plan.compare.tolerances.throughput).toEqual({ relative: 0.05, absolute: null });
  });
});
