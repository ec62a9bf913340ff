import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OrderingResult } from '../../../src/metrics/ordering.ts';
import { formatConsoleSummary } from '../../../src/report/console-summary.ts';
import { renderMarkdown } from '../../../src/report/writers/markdown.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';

const fixture = () => JSON.parse(readFileSync('test/fixtures/runs/zombie-consumer/summary.json', 'utf8')) as RunSummary;

const reordered: OrderingResult = {
  checked: true,
  reordered: 3,
  keysAffected: 22,
  keys: Array.from({ length: 20 }, (_, k) => `orders#0/${k}`),
  worstGap: 48,
  redeliveredOutOfOrder: 12,
  byWindow: [
    { window: 'pause billing#1 at 20.0s', reordered: 3, redeliveredOutOfOrder: 10 },
    { window: 'heal', reordered: 0, redeliveredOutOfOrder: 2 },
  ],
};

/** The fixture with its one group fed by an ordered producer. */
function withOrdering(ordering: OrderingResult): RunSummary {
  const s = fixture();
  return { ...s, groups: s.groups.map((g) => ({ ...g, ordering })) };
}

describe('ordering in the console summary', () => {
  it("shows a checked group's reorderings, keys, gap, replays and windows under its line", () => {
    const text = formatConsoleSummary(withOrdering(reordered));
    const keys = reordered.keys.join(', ');
    expect(text).toContain(
      `            ordering        reordered 3 (worst gap 48; keys ${keys} and 2 more), redelivered out of order 12`,
    );
    expect(text).toContain(
      '            out of order by window  pause billing#1 at 20.0s: 3 reordered, 10 redelivered; heal: 2 redelivered',
    );
  });

  it('says in order when nothing was, and nothing at all for a group no ordered producer feeds', () => {
    const inOrder = { ...reordered, reordered: 0, keysAffected: 0, keys: [], redeliveredOutOfOrder: 0, byWindow: [] };
    const text = formatConsoleSummary(withOrdering(inOrder));
    expect(text).toContain('            ordering        in order\n');
    expect(text).not.toContain('out of order by window');
    expect(formatConsoleSummary(fixture())).not.toContain('ordering');
  });
});

describe('ordering in summary.md', () => {
  it('has an Ordering table for checked groups only', () => {
    const md = renderMarkdown(withOrdering(reordered));
    const row = md.split('\n').find((l) => l.startsWith('| `billing`'));
    expect(md).toContain('### Ordering\n\n| scope | ordering | by window |');
    expect(row).toBe(
      `| \`billing\` | reordered 3 (worst gap 48; keys ${reordered.keys.join(', ')} and 2 more), redelivered ` +
        'out of order 12 | pause billing#1 at 20.0s: 3 reordered, 10 redelivered; heal: 2 redelivered |',
    );
    expect(renderMarkdown(fixture())).not.toContain('### Ordering');
  });
});
