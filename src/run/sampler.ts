import { appendFileSync } from 'node:fs';
import type { RemotingAdmin } from '../protocol/index.ts';
import { observerAdmin } from './observer-admin.ts';
import { sampleBrokerBacklog } from '../metrics/broker-backlog.ts';
import type { ClusterEndpoints } from '../cluster/provider.ts';
import type { Measurements } from './measurements.ts';
import type { TimeSeriesRow } from '../metrics/time-series-row.ts';

/**
 * Every interval: ask the brokers for the clustering groups' backlog (never two requests in
 * flight: a slow broker skips a sample rather than piling up), then close a time-series row
 * and append it to timeseries.ndjson.
 */
export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private brokerRequest: Promise<void> | undefined;
  private stopped = false;
  private readonly admin: RemotingAdmin;

  constructor(
    private readonly options: {
      endpoints: ClusterEndpoints;
      groups: string[];
      measurements: Measurements;
      intervalMs: number;
      file: string;
      phase: () => string;
      onRow: (row: TimeSeriesRow) => void;
    },
  ) {
    this.admin = observerAdmin(options.endpoints, `sampler-${process.pid}`, Math.max(500, options.intervalMs));
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
  }

  /** One broker sample now, awaited (the final agreement check after drain uses it). */
  async sampleBrokersNow(): Promise<void> {
    await this.brokerRequest;
    const direct = this.options.endpoints.direct?.brokerAddressMap ?? {};
    const masters = this.options.endpoints.brokers
      .filter((b) => b.brokerId === 0)
      .map((b) => ({ name: b.name, addr: direct[b.addr] ?? b.addr }));
    if (this.options.groups.length === 0) return;
    this.options.measurements.brokerSample(await sampleBrokerBacklog(this.admin, masters, this.options.groups));
  }

  /** Closes a final row (after drain and consumer stop) and stops sampling. */
  async stop(finalRow: boolean): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.brokerRequest;
    if (finalRow) {
      await this.sampleBrokersNow().catch(() => {});
      this.row();
    }
    await this.admin.close();
  }

  private tick(): void {
    if (!this.brokerRequest && this.options.groups.length > 0) {
      this.brokerRequest = this.sampleBrokersNow()
        .catch(() => {})
        .finally(() => {
          this.brokerRequest = undefined;
        });
    }
    this.row();
  }

  private row(): void {
    const row = this.options.measurements.sample(Date.now(), this.options.phase());
    appendFileSync(this.options.file, `${JSON.stringify(row)}\n`);
    this.options.onRow(row);
  }
}
