/**
 * `--out csv=<file>`: the points as CSV, one per line (k6's CSV output's first columns, then one
 * column per tag this harness sets), written with csv-stringify so quoting is never hand-made.
 */
import { stringify } from 'csv-stringify/sync';
import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';
import type { MetricOutput } from '../../run/metric-output.ts';
import { OutputFile } from './output-file.ts';
import { pointsOf } from './points.ts';

/** Every tag a point may carry, in column order. */
export const CSV_TAGS = ['phase', 'group', 'instance', 'tag', 'stat'] as const;
export const CSV_HEADER = ['metric_name', 'timestamp', 'metric_value', ...CSV_TAGS];

export class CsvOutput implements MetricOutput {
  readonly description: string;
  private readonly file: OutputFile;

  constructor(path: string) {
    this.description = `csv=${path}`;
    this.file = new OutputFile(path, this.description);
  }

  async open(): Promise<undefined> {
    await this.file.open();
    this.file.write(stringify([CSV_HEADER]));
    return undefined;
  }

  row(row: TimeSeriesRow, startedAt: number): void {
    const records = pointsOf(row, startedAt).map((p) => [
      p.metric,
      // Seconds since the epoch, as k6 writes it; ms as the fraction.
      (p.time / 1000).toFixed(3),
      p.value,
      ...CSV_TAGS.map((tag) => p.tags[tag] ?? ''),
    ]);
    this.file.write(stringify(records));
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
