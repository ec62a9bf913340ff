import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportWriter } from '../../../src/report/report-writer.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';
import { writeReports } from '../../../src/report/write-reports.ts';
import { jsonWriter } from '../../../src/report/writers/json.ts';

describe('writeReports', () => {
  it('a failing writer is reported and the writers after it still write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'write-reports-'));
    const summary = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../fixtures/runs/zombie-consumer/summary.json'), 'utf8'),
    ) as RunSummary;
    const broken: ReportWriter = { name: 'broken', write: () => Promise.reject(new Error('template missing')) };
    const written = await writeReports(summary, dir, [broken, jsonWriter]);
    expect(written.files).toEqual([join(dir, 'summary.json')]);
    expect(written.failed.map((f) => [f.writer, (f.error as Error).message])).toEqual([['broken', 'template missing']]);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).run.plan).toBe('zombie-consumer');
  });
});
