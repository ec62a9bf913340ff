import { appendFileSync } from 'node:fs';
import type { ClusterEndpoints } from '../cluster/provider.ts';
import { subscribeQueues, type RemotingAdmin } from '../protocol/index.ts';
import { observerAdmin } from './observer-admin.ts';
import { collectSnapshot } from '../observe/collect-snapshot.ts';
import { queueKeyOf } from '../metrics/queue-keys.ts';
import { subscriptionOf } from '../observe/collect-snapshot.ts';
import type { ClientSubscription, ClusterSnapshot, ProcessState } from '../observe/snapshot.ts';
import { subscriptionsOf, type SubscriptionMap } from '../protocol/index.ts';

/** A gRPC client id: `host@pid@index@time` (the Node and Java clients' ClientId). */
const GRPC_CLIENT_ID = /^[^@]*@(\d+)@\d+@-?[0-9a-z]+$/;

/** The pid in a gRPC client id, if it is one. */
export function grpcClientPid(clientId: string): number | undefined {
  const m = GRPC_CLIENT_ID.exec(clientId);
  return m ? Number(m[1]) : undefined;
}

/** A plan subscription as a client would report it (tags parsed the way the client parses them). */
export function clientSubscriptions(map: Readonly<SubscriptionMap>): ClientSubscription[] {
  return subscriptionsOf(map).map((s) =>
    subscriptionOf({
      topic: s.topic,
      subString: s.expression,
      tagsSet: s.expression
        .split('||')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
      expressionType: s.type,
    }),
  );
}

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
  /** Queue name → its max offset when the observer started (before any producer sent). */
  private startOffsets: Promise<Map<string, number>> = Promise.resolve(new Map());

  constructor(
    private readonly o: {
      endpoints: ClusterEndpoints;
      groups: string[];
      intervalMs: number;
      file: string;
      processOf: (instanceId: string) => ProcessState | undefined;
      /** Remoting addresses of the cluster's proxies (where gRPC clients are listed). */
      proxies?: string[];
      /** The instance whose worker has this pid (gRPC client ids carry it). */
      instanceOfPid?: (pid: number) => string | undefined;
      /** What an instance subscribes (for gRPC clients, whose subscriptions nothing reports). */
      subscriptionOf?: (instanceId: string) => SubscriptionMap | undefined;
      /** The plan's topics: their queues' offsets at the start are where an uncommitted queue's lag counts from. */
      topics: string[];
      /** Each snapshot as it is taken (the `--out` outputs' per-queue lag and owners). */
      onSnapshot?: (snapshot: ClusterSnapshot) => void;
    },
  ) {
    this.admin = observerAdmin(o.endpoints, `observer-${process.pid}`, 3000);
  }

  start(): void {
    if (this.o.groups.length === 0) return;
    this.startOffsets = this.readStartOffsets();
    this.timer = setInterval(() => this.tick(), this.o.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.admin.close();
  }

  /**
   * A topic may hold messages from before the run (an external cluster); those are not this
   * run's lag. A queue that cannot be read is left out (its lag then counts from its min offset).
   */
  private async readStartOffsets(): Promise<Map<string, number>> {
    const offsets = new Map<string, number>();
    const masters = new Map((await this.admin.masterAddrs().catch(() => [])).map((m) => [m.brokerName, m.addr]));
    for (const topic of this.o.topics) {
      const route = await this.admin.route(topic).catch(() => undefined);
      // The queues a consumer of the topic subscribes, as the snapshots list them.
      for (const q of route ? subscribeQueues(topic, route) : []) {
        const addr = masters.get(q.brokerName);
        if (!addr) continue;
        const offset = await this.admin.maxOffset(addr, topic, q.queueId).catch(() => undefined);
        if (offset !== undefined && Number.isFinite(offset))
          offsets.set(queueKeyOf(topic, q.brokerName, q.queueId), offset);
      }
    }
    return offsets;
  }

  /** Remoting fleet clients are named `<ip>@<instance id>`; gRPC ones are found by their worker's pid. */
  private instanceOf(clientId: string): string | undefined {
    const pid = grpcClientPid(clientId);
    if (pid !== undefined) return this.o.instanceOfPid?.(pid);
    return clientId.slice(clientId.indexOf('@') + 1);
  }

  private tick(): void {
    if (this.inFlight) return;
    this.inFlight = this.startOffsets
      .then((start) =>
        collectSnapshot(this.admin, this.o.groups, {
          processOf: (clientId) => {
            const instance = this.instanceOf(clientId);
            return instance === undefined ? undefined : this.o.processOf(instance);
          },
          startOffsetOf: (q) => start.get(queueKeyOf(q.topic, q.broker, q.queueId)),
          ...(this.o.proxies ? { proxies: this.o.proxies } : {}),
          popClientOf: (clientId) => {
            const instance = this.instanceOf(clientId);
            const subscription = instance === undefined ? undefined : this.o.subscriptionOf?.(instance);
            return instance === undefined || !subscription
              ? undefined
              : { instance, subscriptions: clientSubscriptions(subscription) };
          },
        }),
      )
      .then((snapshot) => {
        this.snapshots.push(snapshot);
        this.o.onSnapshot?.(snapshot);
        appendFileSync(this.o.file, `${JSON.stringify(snapshot)}\n`);
      })
      .catch(() => {})
      .finally(() => {
        this.inFlight = undefined;
      });
  }
}
