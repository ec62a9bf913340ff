import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRICS, METRIC_NAMES, type MetricName } from '../../../src/plan/metric-catalogue.ts';
import {
  THRESHOLD_OPS,
  evaluateThreshold,
  formatThresholdExpression,
  parseThreshold,
  parseThresholdExpression,
  thresholdPattern,
  type Aggregation,
  type ThresholdExpression,
} from '../../../src/plan/thresholds.ts';

function message(metric: string, text: string): string | undefined {
  const result = parseThresholdExpression(metric, text);
  return result.ok ? undefined : result.message;
}

describe('parseThresholdExpression', () => {
  it.each([
    ['loss', 'count==0', { kind: 'count' }, '==', 0],
    ['duplicate_rate', 'rate<0.001', { kind: 'rate' }, '<', 0.001],
    ['backlog', 'max<10000', { kind: 'max' }, '<', 10000],
    ['e2e_latency', 'p(99)<500ms', { kind: 'p', p: 99 }, '<', 500],
    ['e2e_latency', 'p(99.9)<=1s', { kind: 'p', p: 99.9 }, '<=', 1000],
    ['send_latency', 'avg<200ms', { kind: 'avg' }, '<', 200],
    ['rebalance_latency', 'med < 2m', { kind: 'med' }, '<', 120_000],
    ['resume_latency', 'min>0ms', { kind: 'min' }, '>', 0],
    ['backlog', 'final==0', { kind: 'final' }, '==', 0],
    ['sent', 'rate>=1000', { kind: 'rate' }, '>=', 1000],
    ['send_errors', 'count!=3', { kind: 'count' }, '!=', 3],
    ['e2e_latency', 'p(100)<1h', { kind: 'p', p: 100 }, '<', 3_600_000],
  ] as const)('%s: %s', (metric, text, aggregation, op, value) => {
    expect(parseThresholdExpression(metric, text)).toEqual({ ok: true, value: { metric, aggregation, op, value } });
  });

  it('names the known metrics when the metric is unknown', () => {
    expect(message('latency', 'p(99)<1s')).toBe(
      'unknown metric "latency" (known: loss, loss_unexplained, duplicates, unexpected, reordered, sent, received, ' +
        'unique, send_errors, dropped, duplicate_rate, loss_rate, e2e_latency, send_latency, rebalance_latency, ' +
        'resume_latency, failover_rto, backlog, max_rate, drain_time, drain_rate, timer_lateness, timer_early)',
    );
  });

  it('refuses an aggregation the metric does not have', () => {
    expect(message('e2e_latency', 'count<5')).toBe('e2e_latency does not support count (use p(N), avg, min, max, med)');
    expect(message('loss', 'p(99)<5')).toBe('loss does not support p(N) (use count, rate)');
    expect(message('backlog', 'rate<5')).toBe('backlog does not support rate (use max, min, avg, final)');
  });

  it('wants a unit on durations and none on counts', () => {
    expect(message('e2e_latency', 'p(99)<500')).toBe(
      'expected a duration such as 500ms, got "500" (a plain number has no unit: write 500ms or 500s)',
    );
    expect(message('loss', 'count<5ms')).toBe('count takes a plain number, got "5ms"');
    expect(message('backlog', 'max<10k')).toBe('max takes a plain number, got "10k"');
  });

  it('keeps fractions and percentiles in range', () => {
    expect(message('loss_rate', 'rate<1.5')).toBe('rate of loss_rate is a fraction between 0 and 1, got 1.5');
    expect(message('e2e_latency', 'p(0)<1s')).toBe('percentile must be in (0, 100], got p(0)');
    expect(message('e2e_latency', 'p(101)<1s')).toBe('percentile must be in (0, 100], got p(101)');
    expect(message('e2e_latency', 'p(x)<1s')).toBe('percentile must be in (0, 100], got p(x)');
  });

  it.each(['p99<1s', 'count', 'count=0', 'count==', '<5', 'max<<5', 'count()==0', 'avg(5)<1s', ''])(
    'rejects the malformed %j with an example',
    (text) => {
      expect(message('e2e_latency', text)).toMatch(/^expected a threshold such as "p\(99\)<500ms", got /);
    },
  );
});

describe('parseThreshold', () => {
  it('fills the k6 object form and defaults', () => {
    expect(parseThreshold('loss', 'count==0')).toEqual({
      ok: true,
      value: {
        metric: 'loss',
        aggregation: { kind: 'count' },
        op: '==',
        value: 0,
        key: 'loss',
        selector: {},
        source: 'count==0',
        abortOnFail: false,
        delayAbortEvalMs: 0,
      },
    });
    const object = parseThreshold('e2e_latency', {
      threshold: 'p(99)<500ms',
      abortOnFail: true,
      delayAbortEval: '10s',
    });
    expect(object.ok && object.value).toMatchObject({ abortOnFail: true, delayAbortEvalMs: 10_000, value: 500 });
  });
});

describe('evaluateThreshold', () => {
  it.each([
    ['<', 1, 2, true],
    ['<', 2, 2, false],
    ['<=', 2, 2, true],
    ['>', 3, 2, true],
    ['>=', 1, 2, false],
    ['==', 0, 0, true],
    ['!=', 0, 0, false],
  ] as const)('%s: observed %d vs %d is %s', (op, observed, value, expected) => {
    expect(evaluateThreshold({ op, value }, observed)).toBe(expected);
  });

  it('never passes without data', () => {
    for (const op of THRESHOLD_OPS) expect(evaluateThreshold({ op, value: 0 }, Number.NaN)).toBe(false);
  });
});

const metricArb = fc.constantFrom(...METRIC_NAMES);

function expressionArb(metric: MetricName): fc.Arbitrary<ThresholdExpression> {
  const spec = METRICS[metric];
  const aggregation: fc.Arbitrary<Aggregation> = fc
    .constantFrom(...spec.aggregations)
    .chain((kind) =>
      kind === 'p'
        ? fc.integer({ min: 1, max: 100_000 }).map((n) => ({ kind: 'p' as const, p: n / 1000 }))
        : fc.constant({ kind } as Aggregation),
    );
  const value =
    spec.value === 'duration'
      ? fc.integer({ min: 0, max: 48 * 3_600_000 })
      : spec.value === 'fraction'
        ? fc.double({ min: 0, max: 1, noNaN: true }).map((v) => v + 0)
        : fc
            .oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
            // -0 prints as "0"; a threshold cannot tell them apart, and neither can users.
            .map((v) => v + 0);
  return fc.record({ metric: fc.constant(metric), aggregation, op: fc.constantFrom(...THRESHOLD_OPS), value });
}

describe('threshold properties', () => {
  it('parsing a formatted valid expression gives back metric, aggregation, op and value', () => {
    fc.assert(
      fc.property(metricArb.chain(expressionArb), (expression) => {
        const text = formatThresholdExpression(expression);
        expect(parseThresholdExpression(expression.metric, text)).toEqual({ ok: true, value: expression });
        // The JSON Schema pattern editors use accepts whatever the parser accepts.
        expect(new RegExp(thresholdPattern(expression.metric)).test(text)).toBe(true);
      }),
    );
  });

  it('never throws on junk, and whatever it accepts the schema pattern accepts', () => {
    fc.assert(
      fc.property(metricArb, fc.string(), (metric, text) => {
        const result = parseThresholdExpression(metric, text);
        if (result.ok) expect(new RegExp(thresholdPattern(metric)).test(text)).toBe(true);
      }),
    );
  });
});
