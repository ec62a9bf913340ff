/**
 * `--out json=<file>`: k6's JSON output, one object per line: a `Metric` line the first time a
 * metric appears (its name and type), then a `Point` line per value (time as ISO 8601, value,
 * tags), so tools that read k6's points read these.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';
import type { MetricOutput } from '../../run/metric-output.ts';
import { openForWriting } from './open-target.ts';
import { POINT_METRICS, type PointMetric, pointsOf } from './points.ts';

export class JsonOutput implements MetricOutput {
  readonly description: string;
  private stream: WriteStream | undefined;
  private readonly declared = new Set<string>();
  private closing: Promise<void> | undefined;

  constructor(private readonly file: string) {
    this.description = `json=${file}`;
  }

  async open(): Promise<void> {
    this.stream = await openForWriting(this.file, this.description, createWriteStream);
  }

  row(row: TimeSeriesRow, startedAt: number): void {
    const stream = this.stream;
    if (!stream) return;
    let lines = '';
    for (const point of pointsOf(row, startedAt)) {
      if (!this.declared.has(point.metric)) {
        this.declared.add(point.metric);
        const type = POINT_METRICS[point.metric as PointMetric];
        lines += `${JSON.stringify({ type: 'Metric', data: { name: point.metric, type }, metric: point.metric })}\n`;
      }
      const data = { time: new Date(point.time).toISOString(), value: point.value, tags: point.tags };
      lines += `${JSON.stringify({ type: 'Point', data, metric: point.metric })}\n`;
    }
    stream.write(lines);
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
