import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  indexRow,
  listRuns,
  renderRunIndex,
  sortRows,
  timeOfDir,
  writeRunIndex,
} from '../../../src/report/run-index.ts';

const zombie = JSON.parse(readFileSync('test/fixtures/runs/zombie-consumer/summary.json', 'utf8')) as unknown;

describe('reports index', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a row carries the headline numbers of a summary', () => {
    expect(indexRow('20261125-193129Z-zombie-consumer', zombie, true)).toEqual({
      dir: '20261125-193129Z-zombie-consumer',
      plan: 'zombie-consumer',
      startedAt: '2026-11-25T19:31:29.842Z',
      verdict: 'pass',
      abortReason: null,
      ackedPerSecond: 49,
      e2eP99Ms: 46207,
      lost: 0,
      duplicates: 1128,
      diagnoses: 3,
      hasPage: true,
    });
  });

  it('a folder without a summary, or with an old or odd one, still lists with what it has', () => {
    expect(indexRow('20261125-100000Z-smoke', undefined, false)).toMatchObject({
      plan: 'smoke',
      verdict: 'unknown',
      startedAt: null,
      lost: null,
      diagnoses: null,
    });
    const v1 = {
      run: { plan: 'smoke', startedAt: '2026-11-25T16:40:44.000Z' },
      verdict: 'fail',
      totals: { lost: 'many', duplicates: 2 },
    };
    expect(indexRow('x', v1, false)).toMatchObject({
      plan: 'smoke',
      verdict: 'fail',
      lost: null,
      duplicates: 2,
      diagnoses: null,
      ackedPerSecond: null,
    });
  });

  it('sorts newest first, by start time or the time in the folder name', () => {
    const rows = [
      indexRow('20261125-120000Z-a', undefined, false),
      indexRow('20261125-130000Z-b', { run: { startedAt: '2026-11-25T11:00:00.000Z' } }, false),
      indexRow('20261125-140000Z-c', undefined, false),
      indexRow('no-time', undefined, false),
    ];
    expect(sortRows(rows).map((r) => r.dir)).toEqual([
      '20261125-140000Z-c',
      '20261125-120000Z-a',
      '20261125-130000Z-b',
      'no-time',
    ]);
    expect(timeOfDir('20261125-164044Z-smoke')).toBe(Date.UTC(2026, 10, 25, 16, 40, 44));
  });

  it('renders links to pages that exist and escapes names', () => {
    const html = renderRunIndex([
      indexRow('20261125-193129Z-zombie-consumer', zombie, true),
      indexRow('20261125-100000Z-<b>', undefined, false),
    ]);
    expect(html).toContain('<a href="20261125-193129Z-zombie-consumer/index.html">');
    expect(html).toContain('46,207 ms');
    expect(html).toContain('20261125-100000Z-&lt;b&gt;');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('lists run folders of a reports dir and skips anything else', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'rmq-chaos-index-'));
    dirs.push(reports);
    cpSync('test/fixtures/runs/zombie-consumer', join(reports, '20261125-193129Z-zombie-consumer'), {
      recursive: true,
    });
    cpSync('test/fixtures/runs/flap-duplicates', join(reports, '20261125-193406Z-flap-duplicates'), {
      recursive: true,
    });
    mkdirSync(join(reports, 'not-a-run'));
    writeFileSync(join(reports, 'README.md'), 'hello');
    const rows = await listRuns(reports);
    expect(rows.map((r) => [r.plan, r.verdict, r.hasPage])).toEqual([
      ['flap-duplicates', 'pass', false],
      ['zombie-consumer', 'pass', false],
    ]);
    const file = await writeRunIndex(reports);
    expect(readFileSync(file, 'utf8')).toContain('2 runs, newest first');
  });
});
