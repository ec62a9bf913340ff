import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReportData } from '../../../src/report/html/report-data.ts';
import { readRunSummary } from '../../../src/report/run-files.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';
import { htmlWriter } from '../../../src/report/writers/html.ts';

function pageData(html: string): ReportData {
  const m = /<script type="application\/json" id="run-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(m![1]!) as ReportData;
}

describe('html writer', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const runDir = (fixture: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-html-'));
    dirs.push(dir);
    cpSync(`test/fixtures/runs/${fixture}`, dir, { recursive: true });
    return dir;
  };

  it(
    'writes one self-contained index.html: ' + 'uPlot and the page inlined, nothing linked, the data on the run clock',
    async () => {
      const dir = runDir('flap-duplicates');
      const file = await htmlWriter.write((await readRunSummary(dir)) as RunSummary, dir);
      expect(file).toBe(join(dir, 'index.html'));
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('uPlot');
      // (URLs as such are there: uPlot's banner, the SVG namespace; none is loaded.)
      expect(html).not.toMatch(
        /<script[^>]+src=|<link[^>]+stylesheet|(src|href)=["']?https?:|url\(\s*["']?https?:|@import/,
      );
      const data = pageData(html);
      expect(data.faultBands.map((f) => [f.action, f.beginS, f.endS])).toEqual([
        ['network.flap', 22.608, 42.609],
        ['restart', 44.596, 47.562],
      ]);
      expect(data.markers.find((m) => m.kind === 'kill')).toEqual({ atS: 44.629, instance: 'billing#1', kind: 'kill' });
      expect(data.lanes.map((l) => l.instance)).toEqual(['billing#0', 'billing#1']);
      expect(data.summary).not.toHaveProperty('timeseries');
    },
  );

  it('a 10-minute run with six consumers stays well under 2 MB', async () => {
    const dir = runDir('zombie-consumer');
    const summary = (await readRunSummary(dir)) as RunSummary;
    const template = summary.timeseries[40]!;
    const perInstance = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`billing#${i}`, 17]));
    const long: RunSummary = {
      ...summary,
      run: { ...summary.run, wallMs: 600_000 },
      timeseries: Array.from({ length: 6000 }, (_, i) => ({ ...template, t: (i + 1) * 100, perInstance })),
    };
    const file = await htmlWriter.write(long, dir);
    expect(statSync(file).size).toBeLessThan(2 * 1024 * 1024);
    expect(pageData(readFileSync(file, 'utf8')).series.rowsPerPoint).toBe(9);
  });
});
