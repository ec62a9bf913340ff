import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { withComparison } from '../../../src/compare/attach.ts';
import { compareSummaries } from '../../../src/compare/compare.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';
import { renderJunit } from '../../../src/report/writers/junit.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(`test/fixtures/runs/${name}/summary.json`, 'utf8')) as RunSummary;

interface Case {
  '@_classname': string;
  '@_name': string;
  failure?: { '@_message': string; '@_type': string; '#text'?: string };
}

/** Parsed as a CI system would: the one suite and its cases. */
function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => ['testcase', 'testsuite', 'property'].includes(name),
  }).parse(xml) as {
    testsuites: {
      '@_tests': string;
      '@_failures': string;
      testsuite: {
        '@_name': string;
        '@_tests': string;
        '@_failures': string;
        testcase: Case[];
        properties: { property: { '@_name': string; '@_value': string }[] };
      }[];
    };
  };
  expect(doc.testsuites.testsuite).toHaveLength(1);
  return { root: doc.testsuites, suite: doc.testsuites.testsuite[0]! };
}

describe('junit.xml', () => {
  it('has one testsuite per run and one testcase per check, invariant and expected diagnosis, plus the verdict', () => {
    const s = fixture('zombie-consumer');
    const { root, suite } = parse(renderJunit(s));
    expect(suite['@_name']).toBe('rmq-chaos.zombie-consumer');
    const expectedCases = s.checks.length + s.invariants.length + s.expectedDiagnoses.length + 1;
    expect(suite.testcase).toHaveLength(expectedCases);
    expect(Number(suite['@_tests'])).toBe(expectedCases);
    expect(Number(root['@_tests'])).toBe(expectedCases);
    expect(Number(suite['@_failures'])).toBe(0);
    expect(suite.testcase.map((c) => c['@_classname'])).toEqual([
      ...s.checks.map(() => 'rmq-chaos.zombie-consumer.thresholds'),
      ...s.invariants.map(() => 'rmq-chaos.zombie-consumer.invariants'),
      ...s.expectedDiagnoses.map(() => 'rmq-chaos.zombie-consumer.diagnoses'),
      'rmq-chaos.zombie-consumer.run',
    ]);
    expect(suite.testcase.map((c) => c['@_name'])).toContain('stale-consumer (group billing) fires');
    expect(suite.properties.property.find((p) => p['@_name'] === 'run.id')?.['@_value']).toBe(s.run.id);
  });

  it('fails a testcase with observed against threshold, per instance, and escapes what XML cannot hold as is', () => {
    const s = fixture('flap-duplicates');
    const broken: RunSummary = {
      ...s,
      checks: [
        {
          key: 'received{group:billing,instance:each}',
          metric: 'received',
          instance: 'billing#1',
          threshold: 'count>100',
          aggregation: 'count',
          observed: 7,
          ok: false,
        },
        {
          key: 'e2e_latency',
          metric: 'e2e_latency',
          threshold: 'p(99)<500ms',
          aggregation: 'p(99)',
          observed: null,
          ok: false,
        },
      ],
      invariants: [
        { id: 'no-loss', expected: 'hold', held: false, ok: false, detail: 'lost 3 of 10 in <billing> & "co" \u0007' },
      ],
      expectedDiagnoses: [{ id: 'stale-consumer', group: 'billing', fired: false }],
      failures: ['threshold received 7 < 100', 'invariant no-loss violated'],
      verdict: 'fail',
    };
    const { suite } = parse(renderJunit(broken));
    const [perInstance, noData, invariant, diagnosis, verdict] = suite.testcase;
    expect(perInstance!['@_name']).toBe('received{group:billing,instance:each} [billing#1] count>100');
    expect(perInstance!.failure?.['@_message']).toBe('observed count = 7 messages, threshold count>100');
    expect(noData!.failure?.['@_message']).toMatch(/observed p\(99\) = no data, threshold p\(99\)<500ms/);
    expect(invariant!.failure?.['@_message']).toBe(
      'violated, expected to hold: lost 3 of 10 in <billing> & "co" \uFFFD',
    );
    expect(diagnosis!.failure?.['@_message']).toMatch(
      // line-length: a regular expression literal cannot be cut, and the message it matches is this long
      /expected diagnosis stale-consumer for group billing did not fire \(observed: duplicate-burst \[billing\], backlog-growth \[billing\]\)/,
    );
    expect(verdict!.failure?.['#text']).toBe('threshold received 7 < 100\ninvariant no-loss violated');
    expect(Number(suite['@_failures'])).toBe(5);
  });

  it('adds one testcase per compared metric when the run had a baseline', () => {
    const s = fixture('zombie-consumer');
    const slower: RunSummary = {
      ...s,
      producers: { ...s.producers, ackedPerSecond: Math.round(s.producers.ackedPerSecond * 0.7) },
    };
    const compared = withComparison(slower, compareSummaries(s, slower, { baselineSource: 'base/summary.json' }));
    const { suite } = parse(renderJunit(compared));
    const comparison = suite.testcase.filter((c) => c['@_classname'].endsWith('.comparison'));
    expect(comparison).toHaveLength(9);
    const failed = comparison.filter((c) => c.failure);
    expect(failed.map((c) => c['@_name'])).toEqual(['acked/s within -10% of baseline']);
    expect(failed[0]!.failure?.['@_message']).toMatch(
      /^acked\/s 49\/s → 34\/s \(-30\.6%\), tolerance -10% \(baseline 20261125-193129Z-zombie-consumer\)$/,
    );
  });
});
