/**
 * `--out otlp=<url>`: the run's metrics pushed every second as OpenTelemetry metrics over HTTP
 * (OTLP/HTTP JSON, to an OpenTelemetry Collector or any OTLP receiver), through the
 * OpenTelemetry SDK: the same names and labels as `prometheus` (RunMetrics), counters as
 * cumulative sums, levels as gauges. The url is the full metrics endpoint, e.g.
 * `http://127.0.0.1:4318/v1/metrics`.
 *
 * A push that fails (no collector yet, a refused connection) does not stop the run: the first
 * failure is said at once, the count at the end. Closing pushes the final values.
 */
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';
import type { ClusterSnapshot } from '../../observe/snapshot.ts';
import type { RunEvent } from '../../result/run-event.ts';
import type { MetricOutput } from '../../run/metric-output.ts';
import { UsageError } from '../../util/errors.ts';
import { packageVersion } from '../../util/package-version.ts';
import { RUN_METRICS, RunMetrics } from './run-metrics.ts';

export const OTLP_EXPORT_INTERVAL_MS = 1000;

export interface OtlpContext {
  /** The plan's name: the `rmq_chaos.plan` resource attribute. */
  plan: string;
  groupOfFleet: Readonly<Record<string, string>>;
  /** Where a failed push is said (stderr through the progress display). */
  warn: (line: string) => void;
}

/** An http(s) URL, or a usage error (exit 2). */
export function parseOtlpUrl(spec: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(spec);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new UsageError(
      `--out otlp=${spec}: expected the http(s) URL of an OTLP metrics endpoint`,
      'e.g. --out otlp=http://127.0.0.1:4318/v1/metrics (an OpenTelemetry Collector)',
    );
  return url;
}

export class OtlpOutput implements MetricOutput {
  readonly description: string;
  private readonly metrics: RunMetrics;
  private provider: MeterProvider | undefined;
  private closing: Promise<void> | undefined;
  private exports = 0;
  private failures = 0;

  constructor(
    private readonly url: URL,
    private readonly context: OtlpContext,
  ) {
    this.description = `otlp=${url.href}`;
    this.metrics = new RunMetrics(context.groupOfFleet);
  }

  async open(): Promise<string> {
    // A push may take one interval at most, retries included: a collector that does not answer
    // then costs the run's end a second, not the exporter's default 10 s (measured 8 s here).
    const exporter = new OTLPMetricExporter({ url: this.url.href, timeoutMillis: OTLP_EXPORT_INTERVAL_MS });
    // Counted here: the SDK reports a failed push only to its diagnostics logger, which is silent.
    const push = exporter.export.bind(exporter);
    exporter.export = (batch, done) =>
      push(batch, (result) => {
        this.exports++;
        if (result.code !== ExportResultCode.SUCCESS && this.failures++ === 0)
          this.context.warn(
            `otlp: a push to ${this.url.href} failed (${result.error?.message ?? 'no reason given'}); ` +
              'the run goes on, later failures are counted',
          );
        done(result);
      });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': 'rmq-chaos',
        'service.version': packageVersion(),
        'rmq_chaos.plan': this.context.plan,
      }),
      readers: [
        new PeriodicExportingMetricReader({
          exporter,
          exportIntervalMillis: OTLP_EXPORT_INTERVAL_MS,
          exportTimeoutMillis: OTLP_EXPORT_INTERVAL_MS,
        }),
      ],
    });
    const meter = provider.getMeter('rmq-chaos');
    for (const definition of RUN_METRICS) {
      const options = { description: definition.help, unit: definition.unit };
      const instrument =
        definition.kind === 'counter'
          ? meter.createObservableCounter(definition.name, options)
          : meter.createObservableGauge(definition.name, options);
      instrument.addCallback((result) => {
        for (const s of this.metrics.read(definition.name)) result.observe(s.value, s.labels);
      });
    }
    this.provider = provider;
    return `otlp: pushing to ${this.url.href} every ${OTLP_EXPORT_INTERVAL_MS / 1000} s`;
  }

  row(row: TimeSeriesRow): void {
    this.metrics.row(row);
  }

  event(event: RunEvent): void {
    this.metrics.event(event);
  }

  snapshot(snapshot: ClusterSnapshot): void {
    this.metrics.snapshot(snapshot);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const provider = this.provider;
    if (!provider) return;
    // Shutdown pushes once more: the final values reach the collector.
    await provider.shutdown().catch(() => undefined);
    if (this.failures > 0)
      this.context.warn(`otlp: ${this.failures} of ${this.exports} pushes to ${this.url.href} failed`);
  }
}
