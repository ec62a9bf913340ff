/**
 * `--out prometheus=<port>` (or `<host>:<port>`): a `/metrics` endpoint Prometheus scrapes
 * while the run goes, in prom-client's exposition format (the library writes the format; this
 * file only maps RunMetrics onto its registry). Bound to 127.0.0.1 unless a host is given; port
 * 0 takes a free one, said at start. A port in use fails before the cluster starts (exit 1).
 *
 * A scraper pulls at its own pace, so the run's last values could end with the endpoint,
 * unseen. Closing therefore waits, up to LAST_SCRAPE_WAIT_MS, for one scrape after the last
 * update before the endpoint goes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Counter, Gauge, Registry } from 'prom-client';
import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';
import type { ClusterSnapshot } from '../../observe/snapshot.ts';
import type { RunEvent } from '../../result/run-event.ts';
import type { MetricOutput } from '../../run/metric-output.ts';
import { EnvironmentError, UsageError } from '../../util/errors.ts';
import { RUN_METRICS, RunMetrics } from './run-metrics.ts';

export const LAST_SCRAPE_WAIT_MS = 5000;

export interface ListenAddress {
  host: string;
  port: number;
}

/** `9464`, `0`, `127.0.0.1:9464`, `[::1]:9464`; a usage error (exit 2) for anything else. */
export function parseListenAddress(spec: string, output: string): ListenAddress {
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(spec);
  const port = Number(match?.[2]);
  if (!match || port > 65535)
    throw new UsageError(
      `--out ${output}=${spec}: expected a port (0-65535) or host:port`,
      `e.g. --out ${output}=9464 (127.0.0.1) or --out ${output}=0.0.0.0:9464`,
    );
  const host = match[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1';
  return { host, port };
}

export class PrometheusOutput implements MetricOutput {
  readonly description: string;
  private readonly metrics: RunMetrics;
  private readonly registry = new Registry();
  private server: Server | undefined;
  private closing: Promise<void> | undefined;
  /** Bumped on every update; a scrape records the one it saw (see close). */
  private version = 0;
  private scrapedVersion = -1;
  private scraped: (() => void) | undefined;

  constructor(
    private readonly address: ListenAddress,
    groupOfFleet: Readonly<Record<string, string>>,
  ) {
    this.description = `prometheus=${address.host}:${address.port}`;
    this.metrics = new RunMetrics(groupOfFleet);
    const metrics = this.metrics;
    for (const definition of RUN_METRICS) {
      const labelNames = [...definition.labels];
      if (definition.kind === 'counter')
        new Counter({
          name: `${definition.name}_total`,
          help: definition.help,
          labelNames,
          registers: [this.registry],
          // Totals live in RunMetrics; the counter is refilled from them at each scrape.
          collect() {
            this.reset();
            for (const s of metrics.read(definition.name)) this.inc(s.labels, s.value);
          },
        });
      else
        new Gauge({
          name: definition.name,
          help: definition.help,
          labelNames,
          registers: [this.registry],
          collect() {
            this.reset();
            for (const s of metrics.read(definition.name)) this.set(s.labels, s.value);
          },
        });
    }
  }

  /** Where it listens, once open (the port chosen when 0 was asked). */
  get url(): string {
    const bound = this.server?.address();
    const port = bound && typeof bound === 'object' ? bound.port : this.address.port;
    const host = this.address.host.includes(':') ? `[${this.address.host}]` : this.address.host;
    return `http://${host}:${port}/metrics`;
  }

  async open(): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    server.listen(this.address.port, this.address.host);
    try {
      await once(server, 'listening');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new EnvironmentError(
        'output-port',
        `--out ${this.description}: cannot listen on ${this.address.host}:${this.address.port} ` +
          `(${code ?? (error as Error).message})`,
        code === 'EADDRINUSE' ? 'choose a free port, or 0 for any free one' : 'choose an address of this host',
      );
    }
    this.server = server;
    return `prometheus: scrape ${this.url} while the run goes`;
  }

  row(row: TimeSeriesRow): void {
    this.metrics.row(row);
    this.version++;
  }

  event(event: RunEvent): void {
    this.metrics.event(event);
    this.version++;
  }

  snapshot(snapshot: ClusterSnapshot): void {
    this.metrics.snapshot(snapshot);
    this.version++;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('rmq-chaos serves /metrics only\n');
      return;
    }
    const seen = this.version;
    const body = await this.registry.metrics();
    res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
    this.scrapedVersion = seen;
    this.scraped?.();
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    if (this.scrapedVersion >= 0 && this.scrapedVersion < this.version)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, LAST_SCRAPE_WAIT_MS);
        this.scraped = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
