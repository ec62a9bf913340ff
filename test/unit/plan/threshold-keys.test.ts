import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  METRICS,
  METRIC_NAMES,
  SELECTABLE_METRICS,
  isMetricName,
  type MetricName,
} from '../../../src/plan/metric-catalogue.ts';
import {
  SELECTOR_KEYS,
  formatThresholdKey,
  parseThresholdKey,
  selectorKeyPattern,
  thresholdKeyMetric,
  type ThresholdKey,
  type ThresholdSelector,
} from '../../../src/plan/threshold-keys.ts';

function message(key: string): string | undefined {
  const result = parseThresholdKey(key);
  return result.ok ? undefined : result.message;
}

describe('parseThresholdKey', () => {
  it.each([
    ['loss', { metric: 'loss', selector: {} }],
    [
      'received{group:clustered,instance:each}',
      { metric: 'received', selector: { group: 'clustered', instance: 'each' } },
    ],
    ['duplicates{group:billing}', { metric: 'duplicates', selector: { group: 'billing' } }],
    ['e2e_latency{ instance : billing#12 }', { metric: 'e2e_latency', selector: { instance: 'billing#12' } }],
    [
      'loss {fleet:billing-wide,group:Billing_1}',
      { metric: 'loss', selector: { fleet: 'billing-wide', group: 'Billing_1' } },
    ],
    ['backlog{fleet:a,instance:each}', { metric: 'backlog', selector: { fleet: 'a', instance: 'each' } }],
  ] as const)('%s', (key, value) => {
    expect(parseThresholdKey(key)).toEqual({ ok: true, value });
  });

  it('explains every way a key can be wrong', () => {
    expect(message('latency')).toMatch(/^unknown metric "latency" \(known: loss, /);
    expect(message('los{group:a}')).toMatch(/^unknown metric "los" \(did you mean "loss"\?\) \(known: /);
    expect(message('{group:a}')).toBe(
      'expected a metric name, optionally with a selector such as received{group:billing,instance:each}, got ' +
        '"{group:a}"',
    );
    expect(message('loss{group:a}x')).toMatch(/^expected a metric name, optionally with a selector/);
    expect(message('send_latency{group:a}')).toMatch(
      /^send_latency does not take a selector: only metrics measured per consumer group do \(loss, /,
    );
    expect(message('loss{}')).toBe(
      'expected key:value selectors such as received{group:billing,instance:each}, got "loss{}"',
    );
    expect(message('loss{group:a,}')).toMatch(/^expected key:value selectors/);
    expect(message('loss{grup:a}')).toBe('unknown selector "grup" (did you mean "group"?)');
    expect(message('loss{topic:a}')).toBe('unknown selector "topic" (known: group, fleet, instance, side)');
    expect(message('loss{side:send}')).toBe(
      'side selects a recovery of failover_rto (send, consume, elect); loss has none',
    );
    expect(message('failover_rto{fleet:a}')).toBe(
      'failover_rto takes side (send, consume, elect) and, with side:consume, a group',
    );
    expect(message('failover_rto{side:restart}')).toBe('selector side: expected send, consume or elect, got "restart"');
    expect(message('loss{group:a,group:b}')).toBe('selector "group" is given twice');
    expect(message('loss{group:a b}')).toBe('selector group: expected a group name such as "billing", got "a b"');
    expect(message('loss{fleet:Billing}')).toBe(
      'selector fleet: expected a fleet name such as "billing", got "Billing"',
    );
    expect(message('loss{instance:billing#01}')).toBe(
      'selector instance: expected an instance id such as "billing#2" or each, got "billing#01"',
    );
    expect(message('loss{instance:each}')).toBe(
      'instance:each needs a group or fleet whose instances to take, such as received{group:billing,instance:each}',
    );
  });

  it('names the metric of any key, valid or not', () => {
    expect(thresholdKeyMetric('loss{group:a}')).toBe('loss');
    expect(thresholdKeyMetric('loss')).toBe('loss');
    expect(thresholdKeyMetric('loss{')).toBe('loss{');
  });
});

describe('the catalogue', () => {
  it('lets exactly the per-group metrics take selectors', () => {
    expect(SELECTABLE_METRICS).toEqual([
      'loss',
      'loss_unexplained',
      'duplicates',
      'unexpected',
      'reordered',
      'received',
      'unique',
      'duplicate_rate',
      'loss_rate',
      'e2e_latency',
      'rebalance_latency',
      'resume_latency',
      'failover_rto',
      'backlog',
    ]);
  });

  it('knows the new metrics', () => {
    expect(METRICS.unique).toMatchObject({ kind: 'counter', value: 'number' });
    expect(METRICS.dropped).toMatchObject({ kind: 'counter', value: 'number', selectable: false });
    expect(METRICS.resume_latency).toMatchObject({ kind: 'trend', value: 'duration', selectable: true });
  });

  it('offers no metric the harness does not measure', () => {
    expect(isMetricName('takeover_latency')).toBe(false);
  });
});

const name = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/);
const selectorArb: fc.Arbitrary<ThresholdSelector> = fc
  .record(
    {
      group: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
      fleet: name,
      instance: fc.oneof(
        fc.constant('each'),
        fc.tuple(name, fc.nat({ max: 63 })).map(([f, i]) => `${f}#${i}`),
      ),
    },
    { requiredKeys: [] },
  )
  // `each` alone is refused: it needs a group or fleet.
  .filter((s) => s.instance !== 'each' || s.group !== undefined || s.fleet !== undefined);

/** failover_rto takes side and (for the consume side) group, nothing else; every other metric takes no side. */
const failoverSelectorArb: fc.Arbitrary<ThresholdSelector> = fc.record(
  { side: fc.constantFrom('send', 'consume', 'elect'), group: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/) },
  { requiredKeys: [] },
);
const GROUP_SELECTABLE = SELECTABLE_METRICS.filter((m) => m !== 'failover_rto');

const keyArb: fc.Arbitrary<ThresholdKey> = fc.oneof(
  fc.constantFrom(...METRIC_NAMES).map((metric) => ({ metric, selector: {} })),
  fc.tuple(fc.constantFrom(...GROUP_SELECTABLE), selectorArb).map(([metric, selector]) => ({ metric, selector })),
  failoverSelectorArb.map((selector) => ({ metric: 'failover_rto' as const, selector })),
);

describe('threshold key properties', () => {
  it('parsing a formatted key gives it back, and the JSON Schema accepts it', () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        const text = formatThresholdKey(key);
        expect(parseThresholdKey(text)).toEqual({ ok: true, value: key });
        const accepted =
          Object.keys(key.selector).length === 0 || new RegExp(selectorKeyPattern(key.metric)).test(text);
        expect(accepted).toBe(true);
      }),
    );
  });

  it('selectors may come in any order and with spaces inside the braces', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GROUP_SELECTABLE), selectorArb, fc.boolean(), (metric, selector, spaced) => {
        const pad = spaced ? ' ' : '';
        const parts = SELECTOR_KEYS.filter((k) => selector[k] !== undefined)
          .reverse()
          .map((k) => `${pad}${k}${pad}:${pad}${selector[k]}${pad}`);
        fc.pre(parts.length > 0);
        expect(parseThresholdKey(`${metric}{${parts.join(',')}}`)).toEqual({ ok: true, value: { metric, selector } });
      }),
    );
  });

  it('never throws on junk, and a selector key it accepts matches the schema pattern of its metric', () => {
    const junk = fc.oneof(
      fc.string(),
      fc.tuple(fc.constantFrom<MetricName>(...METRIC_NAMES), fc.string()).map(([metric, body]) => `${metric}{${body}}`),
    );
    fc.assert(
      fc.property(junk, (key) => {
        const result = parseThresholdKey(key);
        if (result.ok && key.includes('{'))
          expect(new RegExp(selectorKeyPattern(result.value.metric)).test(key)).toBe(true);
      }),
    );
  });
});
