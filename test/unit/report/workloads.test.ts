import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/result/run-summary.ts';
import { summarySchemaErrors } from '../../../src/result/summary-schema.ts';
import { formatConsoleSummary } from '../../../src/report/console-summary.ts';
import { renderMarkdown } from '../../../src/report/writers/markdown.ts';

const base = JSON.parse(readFileSync('test/fixtures/runs/zombie-consumer/summary.json', 'utf8')) as RunSummary;

const withWorkloads: RunSummary = {
  ...base,
  rateSearch: {
    spec: { p99Ms: 50, stepMs: 3000, fromPerSecond: 100, toPerSecond: 20_000 },
    fleet: 'load',
    maxRatePerSecond: 1414,
    steps: [
      {
        index: 0,
        stage: 'staircase',
        atMs: 12_000,
        offeredPerSecond: 100,
        achievedPerSecond: 99.5,
        sendP99Ms: 4,
        e2eP99Ms: 9,
        backlogSlopePerSecond: 0,
        sustainable: true,
        reason: null,
      },
      {
        index: 1,
        stage: 'staircase',
        atMs: 15_000,
        offeredPerSecond: 1414,
        achievedPerSecond: 1410,
        sendP99Ms: 21,
        e2eP99Ms: 40,
        backlogSlopePerSecond: -3.5,
        sustainable: true,
        reason: null,
      },
      {
        index: 2,
        stage: 'staircase',
        atMs: 18_000,
        offeredPerSecond: 5318,
        achievedPerSecond: 4200,
        sendP99Ms: 640,
        e2eP99Ms: 900,
        backlogSlopePerSecond: 310,
        sustainable: false,
        reason: 'send p99 640 ms > 50 ms',
      },
    ],
    converged: false,
    note: 'ran out of steps between 1414/s (sustainable) and 5318/s (not), 276.1% apart',
  },
  backlogDrain: {
    target: 2000,
    built: true,
    releasedAtMs: 9000,
    buildMs: 2100,
    backlogAtRelease: 2003,
    drainedMessages: 2050,
    drainMs: 1400,
    drainRatePerSecond: 1464.3,
  },
};

describe('the workloads in the reports', () => {
  it('fit the summary schema', () => {
    expect(summarySchemaErrors(withWorkloads)).toEqual([]);
  });

  it('summary.md has the found rate and the curve, a row per step, and the drain', () => {
    const md = renderMarkdown(withWorkloads);
    expect(md).toContain('### Rate search');
    expect(md).toContain('max rate 1414/s (fleet load, send p99 ≤ 50 ms, 3 steps of 3 s: ran out of steps');
    expect(md).toContain('| step | rate offered | rate achieved | send p99 | e2e p99 | backlog slope | sustainable |');
    expect(md).toContain('| 2 (staircase) | 1414/s | 1410/s | 21 ms | 40 ms | -3.5/s | yes |');
    expect(md).toContain(
      '| 3 (staircase) | 5318/s | 4200/s | 640 ms | 900 ms | +310/s | no: send p99 640 ms > 50 ms |',
    );
    expect(md).toContain('backlog built 2003 of 2000 in 2.10 s; drained 2050 in 1.40 s (1464.3/s)');
  });

  it('the console says the same, and neither says anything for a run without them', () => {
    const text = formatConsoleSummary(withWorkloads);
    expect(text).toContain('  max rate 1414/s (fleet load');
    expect(text).toContain(
      '    step 3 (staircase): 5318/s → acked 4200/s, send p99 640 ms, e2e p99 900 ms, backlog +310/s',
    );
    expect(text).toContain('  backlog built 2003 of 2000');
    expect(formatConsoleSummary(base)).not.toMatch(/max rate|backlog built/);
    expect(renderMarkdown(base)).not.toMatch(/Rate search|Backlog build/);
  });
});
