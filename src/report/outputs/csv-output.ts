/**
 * `--out csv=<file>`: the points as CSV, one per line (k6's CSV output's first columns, then one
 * column per tag this harness sets), written with csv-stringify so quoting is never hand-made.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';
import type { MetricOutput } from '../../run/metric-output.ts';
import { openForWriting } from './open-target.ts';
import { pointsOf } from './points.ts';

/** Every tag a point may carry, in column order. */
export const CSV_TAGS = ['phase', 'group', 'instance', 'tag', 'stat'] as const;
export const CSV_HEADER = ['metric_name', 'timestamp', 'metric_value', ...CSV_TAGS];

export class CsvOutput implements MetricOutput {
  readonly description: string;
  private stream: WriteStream | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly file: string) {
    this.description = `csv=${file}`;
  }

  async open(): Promise<void> {
    this.stream = await openForWriting(this.file, this.description, createWriteStream);
    this.stream.write(stringify([CSV_HEADER]));
  }

  row(row: TimeSeriesRow, startedAt: number): void {
    if (!this.stream) return;
    const records = pointsOf(row, startedAt).map((p) => [
      p.metric,
      // Seconds since the epoch, as k6 writes it; ms as the fraction.
      (p.time / 1000).toFixed(3),
      p.value,
      ...CSV_TAGS.map((tag) => p.tags[tag] ?? ''),
    ]);
    this.stream.write(stringify(records));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const stream = this.stream;
      if (!stream) return;
      stream.end();
      await once(stream, 'close');
    })();
    return this.closing;
  }
}
