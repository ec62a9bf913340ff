import { appendFileSync } from 'node:fs';
import type { ClusterEndpoints } from '../cluster/provider.ts';
import type { RemotingAdmin } from '../protocol/index.ts';
import { observerAdmin } from './observer-admin.ts';
import { collectSnapshot } from '../observe/collect-snapshot.ts';
import type { ClusterSnapshot, ProcessState } from '../observe/snapshot.ts';

/**
 * During a run, reads the brokers' view of the plan's consumer groups every `intervalMs`
 * (connections, each client's subscriptions and queues, consume stats) for the diagnoses,
 * tagging every client with what the harness knows of its process. Snapshots are kept in
 * memory for the rules and appended to snapshots.ndjson as the evidence behind them. Like
 * the sampler it goes around Toxiproxy, and never has two collections in flight.
 */
export class Observer {
  readonly snapshots: ClusterSnapshot[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly admin: RemotingAdmin;

  constructor(
    private readonly o: {
      endpoints: ClusterEndpoints;
      groups: string[];
      intervalMs: number;
      file: string;
      processOf: (instanceId: string) => ProcessState | undefined;
    },
  ) {
    this.admin = observerAdmin(o.endpoints, `observer-${process.pid}`, 3000);
  }

  start(): void {
    if (this.o.groups.length === 0) return;
    this.timer = setInterval(() => this.tick(), this.o.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.admin.close();
  }

  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = collectSnapshot(this.admin, this.o.groups, {
      // Fleet clients are named `<ip>@<instance id>`.
      processOf: (clientId) => this.o.processOf(clientId.slice(clientId.indexOf('@') + 1)),
    })
      .then((snapshot) => {
        this.snapshots.push(snapshot);
        appendFileSync(this.o.file, `${JSON.stringify(snapshot)}\n`);
      })
      .catch(() => {})
      .finally(() => {
        this.inFlight = undefined;
      });
  }
}
