import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withComparison } from '../../../src/compare/attach.ts';
import { compareSummaries } from '../../../src/compare/compare.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';
import { mdCell, renderMarkdown } from '../../../src/report/writers/markdown.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(`test/fixtures/runs/${name}/summary.json`, 'utf8')) as RunSummary;

/** The rows of the table under `heading`, split into cells. */
function tableAfter(md: string, heading: string): string[][] {
  const lines = md.split('\n');
  const start = heading === '' ? 0 : lines.findIndex((l) => l.startsWith(heading));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) rows.push(line.slice(2, -2).split(' | '));
    else if (rows.length > 0) break;
  }
  return rows.slice(2); // header and rule
}

describe('summary.md', () => {
  it('leads with the verdict and the headline numbers', () => {
    const s = fixture('zombie-consumer');
    const md = renderMarkdown(s);
    expect(md.split('\n')[0]).toBe('## ✅ rmq-chaos `zombie-consumer`: PASS');
    expect(md).toContain(
      '| acked/s | e2e p50 | e2e p99 | send p99 | lost | duplicates | duplicate rate | backlog end | rebalance p99 |',
    );
    expect(tableAfter(md, '')).toEqual([
      ['49', '3 ms', '46207 ms', '10 ms', '0', '1128', '0.322', '0 (broker 0)', '24993 ms'],
    ]);
  });

  it('lists every check with ✓/✗ and every diagnosis with severity, id, group, summary and remedy', () => {
    const s = fixture('flap-duplicates');
    const md = renderMarkdown(s);
    const checks = tableAfter(md, '### Checks');
    expect(checks).toHaveLength(s.checks.length + s.invariants.length + s.expectedDiagnoses.length);
    expect(checks[0]).toEqual(['✓', 'threshold `loss count==0`', 'count = 0 messages']);
    const diagnoses = tableAfter(md, '### Diagnoses');
    expect(diagnoses.map((d) => d.slice(0, 3))).toEqual([
      ['warning (expected)', '`duplicate-burst`', 'billing'],
      ['warning', '`backlog-growth`', 'billing'],
    ]);
    expect(diagnoses[0]![4]).toMatch(/^Make consumption idempotent/);
    expect(md).not.toContain('### Compared with baseline');
  });

  it('says why a failed run failed and marks failed checks ✗', () => {
    const s = fixture('flap-duplicates');
    const failed: RunSummary = {
      ...s,
      checks: [{ ...s.checks[0]!, observed: 3, ok: false }],
      failures: ['threshold loss count==0 (observed 3)'],
      verdict: 'fail',
    };
    const md = renderMarkdown(failed);
    expect(md.split('\n')[0]).toBe('## ❌ rmq-chaos `flap-duplicates`: FAIL');
    expect(md).toContain('**Why it failed**\n\n- threshold loss count==0 (observed 3)');
    expect(tableAfter(md, '### Checks')[0]).toEqual(['✗', 'threshold `loss count==0`', 'count = 3 messages']);
  });

  it('adds the comparison table when the run had a baseline', () => {
    const s = fixture('zombie-consumer');
    const worse: RunSummary = { ...s, latency: { ...s.latency, send: { ...s.latency.send, p99: 40 } } };
    const md = renderMarkdown(withComparison(worse, compareSummaries(s, worse, { baselineSource: 'b.json' })));
    expect(md).toContain('### Compared with baseline `20261125-193129Z-zombie-consumer`: 1 regression');
    const rows = tableAfter(md, '### Compared with baseline');
    expect(rows).toHaveLength(9);
    expect(rows.find((r) => r[1] === 'send p99')).toEqual([
      '✗',
      'send p99',
      '10 ms',
      '40 ms',
      '+30 ms (+300.0%)',
      '+20% and +5 ms',
    ]);
    expect(rows.find((r) => r[1] === 'acked/s')).toEqual(['✓', 'acked/s', '49/s', '49/s', '±0/s (±0.0%)', '-10%']);
  });

  it('tables sends before, during and after each fault that lasted, and leaves the section out without', () => {
    const s = fixture('zombie-consumer');
    expect(renderMarkdown(s)).not.toContain('### Sends before, during and after');
    const window = (meanMs: number | null, sendErrors: number) => ({
      fromMs: 0,
      toMs: 15000,
      seconds: 15,
      acked: 1500,
      sendErrors,
      meanMs,
      worstP99Ms: meanMs === null ? null : meanMs * 2,
    });
    const around = {
      fault: 'disk.slow-0',
      action: 'disk.slow',
      target: 'broker-a',
      before: window(25, 0),
      during: window(1799.6, 1059),
      after: window(null, 0),
    };
    const rows = tableAfter(
      renderMarkdown({ ...s, sendsAroundFaults: [around] }),
      '### Sends before, during and after',
    );
    expect(rows).toEqual([
      ['disk.slow-0 (`broker-a`)', 'before', '15', '1500', '0', '25 ms', '50 ms'],
      ['disk.slow-0 (`broker-a`)', 'during', '15', '1500', '1059', '1799.6 ms', '3599.2 ms'],
      ['disk.slow-0 (`broker-a`)', 'after', '15', '1500', '0', '-', '-'],
    ]);
  });

  it('keeps table cells intact whatever they hold', () => {
    expect(mdCell('a | b\nc')).toBe('a \\| b<br>c');
  });
});
