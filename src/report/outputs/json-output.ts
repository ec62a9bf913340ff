/**
 * `--out json=<file>`: k6's JSON output, one object per line: a `Metric` line the first time a
 * metric appears (its name and type), then a `Point` line per value (time as ISO 8601, value,
 * tags), so tools that read k6's points read these.
 */
import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';
import type { MetricOutput } from '../../run/metric-output.ts';
import { OutputFile } from './output-file.ts';
import { POINT_METRICS, type PointMetric, pointsOf } from './points.ts';

export class JsonOutput implements MetricOutput {
  readonly description: string;
  private readonly file: OutputFile;
  private readonly declared = new Set<string>();

  constructor(path: string) {
    this.description = `json=${path}`;
    this.file = new OutputFile(path, this.description);
  }

  async open(): Promise<undefined> {
    await this.file.open();
    return undefined;
  }

  row(row: TimeSeriesRow, startedAt: number): void {
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
    this.file.write(lines);
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
