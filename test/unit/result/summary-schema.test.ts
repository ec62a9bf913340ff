import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSummaryJsonSchema } from '../../../scripts/export-summary-schema.ts';
import { loadSummary } from '../../../src/compare/load-summary.ts';
import { SUMMARY_SCHEMA_VERSION } from '../../../src/result/run-summary.ts';
import { SUMMARY_SCHEMA_PATH, summarySchemaErrors } from '../../../src/result/summary-schema.ts';

const SUMMARIES = [
  'test/fixtures/runs/zombie-consumer/summary.json',
  'test/fixtures/runs/flap-duplicates/summary.json',
  'perf/baseline/smoke/summary.json',
  'perf/baseline/throughput/summary.json',
];
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('plans/summary.schema.json', () => {
  it('is what the SummaryFile type generates (run `npm run schema` after changing the type)', () => {
    expect(readFileSync(SUMMARY_SCHEMA_PATH, 'utf8')).toBe(renderSummaryJsonSchema());
  }, 20_000);

  it('names the schema version the code writes', () => {
    const schema = read(SUMMARY_SCHEMA_PATH);
    expect(schema.title).toContain(`schema version ${SUMMARY_SCHEMA_VERSION}`);
  });

  it.each(SUMMARIES)('accepts the recorded run %s', (file) => {
    expect(summarySchemaErrors(read(file))).toEqual([]);
  });

  it('refuses a summary with a field missing, a wrong type, an unknown field or a bad verdict', () => {
    const summary = read(SUMMARIES[0]!);
    const totals = { ...(summary.totals as Record<string, unknown>) };
    delete totals.lost;
    const broken = {
      ...summary,
      totals,
      producers: { ...(summary.producers as Record<string, unknown>), acked: 'many' },
      verdict: 'maybe',
      extra: true,
    };
    const errors = summarySchemaErrors(broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        "/totals: must have required property 'lost'",
        '/producers/acked: must be number',
        expect.stringMatching(/^\/verdict: must be equal to one of the allowed values/),
        '(top level): must NOT have additional properties (extra)',
      ]),
    );
  });
});

describe('compare reads only valid summaries', () => {
  it('refuses a truncated timeseries row with where it breaks (exit 2)', async () => {
    const summary = read(SUMMARIES[0]!);
    const rows = summary.timeseries as Record<string, unknown>[];
    const { t: _dropped, ...row } = rows[0]!;
    const file = join(mkdtempSync(join(tmpdir(), 'rmq-chaos-summary-')), 'summary.json');
    writeFileSync(file, JSON.stringify({ ...summary, timeseries: [row, ...rows.slice(1)] }));
    await expect(loadSummary(file)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining("/timeseries/0: must have required property 't'"),
    });
  });
});
