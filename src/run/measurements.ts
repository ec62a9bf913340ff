import { decodeReceiptBatch, ReceiptBatchError, type ReceiptBatch, receiptAt } from '../agents/receipt-batch.ts';
import type { FromWorker, ReceiptTuple } from '../fleet/protocol.ts';
import type { BrokerBacklogSample } from '../metrics/broker-backlog.ts';
import { DuplicateAttribution } from '../metrics/duplicate-attribution.ts';
import { FailoverTracker } from '../metrics/failover.ts';
import { decodeHistogram, newHistogram, percentiles, recordMs, type Histogram } from '../metrics/histogram.ts';
import { AssignmentHistory } from '../metrics/assignment-history.ts';
import { HostLosses, type OffsetOf } from '../metrics/host-losses.ts';
import { Ledger, type OrderingSpec, type ScopeExpectation, type TransactionSpec } from '../metrics/ledger.ts';
import { CheckBackTracker } from '../metrics/check-backs.ts';
import { BreakdownBuilder, UNKNOWN_QUEUE, type LostCell, type ScopeBreakdown } from '../metrics/loss-breakdown.ts';
import { MsTally } from '../metrics/ms-tally.ts';
import type { DeadLetterReadBack, DeadLetterSpec } from '../metrics/dead-letters.ts';
import { RetryTimeline } from '../metrics/retry-timeline.ts';
import { isPoison } from '../fleet/poison-messages.ts';
import type { OrderingResult } from '../metrics/ordering.ts';
import { bitAt } from '../metrics/receipt-columns.ts';
import { RebalanceTracker } from '../metrics/rebalance-tracker.ts';
import type { TimeSeriesRow } from '../metrics/time-series-row.ts';
import { TimerLateness, type DelayKind } from '../metrics/timer-lateness.ts';
import type { BacklogDrainResult } from '../metrics/backlog-drain.ts';
import type { RateSearchResult } from '../metrics/rate-search.ts';
import type { DeadLetterResult } from '../result/run-summary.ts';
import type { EventLog } from './event-log.ts';
import { deliveryRecord, type MessageLog } from './message-log.ts';

/**
 * One scope's loss and duplicates broken down (summary), its lost cells (for explaining
 * them) and whether it saw ordered producers' keys in order.
 */
export interface ScopeAccounting {
  breakdown: ScopeBreakdown;
  lostCells: LostCell[];
  ordering: OrderingResult;
}

export interface ConsumerInstanceInfo {
  instanceId: string;
  fleet: string;
  group: string;
  model: 'clustering' | 'broadcasting';
}

/** A group's `deadLetter` as its consumers run it: which messages are poison under `seed`, and the limit. */
export interface GroupDeadLetter {
  poison: number;
  maxReconsumeTimes: number;
  seed: number;
}

/** Ledger scope of a receipt: the group in clustering, the instance in broadcasting. */
export function scopeOf(info: ConsumerInstanceInfo): string {
  return info.model === 'clustering' ? info.group : `${info.group}/${info.instanceId}`;
}

/** The consumer group of a ledger scope (see scopeOf). */
export function groupOfScope(scope: string): string {
  const slash = scope.indexOf('/');
  return slash < 0 ? scope : scope.slice(0, slash);
}

/** The instance of a broadcasting scope; undefined for a clustering group's scope. */
export function broadcastInstanceOf(scope: string): string | undefined {
  const slash = scope.indexOf('/');
  return slash < 0 ? undefined : scope.slice(slash + 1);
}

/**
 * What one step of the `rate: max` search saw while it was open: its fleet's acks and send
 * latency, and every receipt's end-to-end latency.
 */
export class StepWindow {
  acked = 0;
  readonly send: Histogram = newHistogram();
  readonly e2e: Histogram = newHistogram();

  constructor(readonly producers: ReadonlySet<string>) {}
}

/**
 * The coordinator's view of a run, fed by worker messages: the ledger, send and end-to-end
 * latency (overall and per interval), counters, rebalance events and duplicate attribution,
 * folded into a time series row at every sample.
 *
 * End-to-end latency is computed here from the receipts (born → received, both stamped on
 * this host) rather than shipped as worker histograms: every receipt reaches the coordinator
 * for the ledger anyway, so this is exact and costs nothing extra. Send latency exists only
 * in the producer, which ships interval histograms.
 */
export class Measurements {
  readonly ledger: Ledger;
  private readonly e2eAll = newHistogram();
  private readonly e2eGroups = new Map<string, Histogram>();
  readonly sendLatency = newHistogram();
  readonly sendErrors: Record<string, number> = {};
  /** Group → reason → failed pulls its instances reported. */
  readonly pullErrors: Record<string, Record<string, number>> = {};
  readonly rebalance = new RebalanceTracker();
  readonly attribution = new DuplicateAttribution();
  /** Transactional producers' answered check-backs. */
  readonly checkBacks = new CheckBackTracker();
  /** Master switches: elect, send and consume recovery per fault on a broker. */
  readonly failover: FailoverTracker;
  /** Delayed messages: requested delivery time against first receipt. */
  readonly timers: TimerLateness;
  readonly rows: TimeSeriesRow[] = [];
  readonly attempted = new Map<string, number>();
  /** Each consumer instance's latest reported queue assignment (queue keys), e.g. for the warmup's settle wait. */
  readonly assignments = new Map<string, readonly string[]>();
  /** Who held which queue when, per clustering group: the holder of a lost message's queue. */
  readonly holdings = new AssignmentHistory();
  /** Hosts lost mid-run and where their queues resumed: lost messages whose receipts died with a host. */
  readonly hostLosses = new HostLosses();
  dropped = 0;
  lastBrokerSample: BrokerBacklogSample | undefined;
  /** `rate: max`: the search's answer and curve, set when the search ends. */
  rateSearch: RateSearchResult | undefined;
  /** `backlog`: the build and drain, set when the drain is over (or the run stops). */
  backlogDrain: BacklogDrainResult | undefined;
  /** Groups with `deadLetter`: what reading their DLQs back found, set after the drain. */
  deadLetterReadBack: DeadLetterReadBack[] | undefined;
  /** The broker's own delay levels (ms), read with the DLQs; undefined: the plan's are used. */
  deadLetterDelayLevelsMs: number[] | undefined;
  /** Delivery times of poison messages by attempt (groups with `deadLetter`). */
  readonly retryTimeline = new RetryTimeline();
  private readonly deadLetterSpecs = new Map<string, DeadLetterSpec>();
  private readonly windows = new Set<StepWindow>();
  private readonly consumers = new Map<string, ConsumerInstanceInfo>();
  private interval = this.freshInterval();
  private lastAttempted = 0;
  private brokerSampleFresh = false;
  /** Per scope: duplicates as they come, lost messages once the run is over. */
  private readonly breakdowns = new Map<string, BreakdownBuilder>();
  /**
   * Receipt batches' end-to-end latencies per group, counted by value until the histograms are
   * read (the getters, sample()): then each distinct value is recorded once per histogram, not
   * once per receipt (see ms-tally.ts).
   */
  private readonly e2eTallies = new Map<string, MsTally>();

  constructor(
    private readonly events: EventLog,
    private readonly startedAt: number,
    private readonly messageLog?: MessageLog,
    options: { timerPrecisionMs?: number } = {},
  ) {
    this.ledger = new Ledger(startedAt);
    this.failover = new FailoverTracker(startedAt);
    this.timers = new TimerLateness(startedAt, options.timerPrecisionMs);
  }

  get e2eLatency(): Histogram {
    this.flushE2e();
    return this.e2eAll;
  }

  /** End-to-end latency per consumer group, for thresholds with a group selector. */
  get e2eByGroup(): ReadonlyMap<string, Histogram> {
    this.flushE2e();
    return this.e2eGroups;
  }

  /**
   * Attributes every lost message of every scope (queue, tag, holder, window), closes the
   * breakdowns and judges each scope's ordering; call once, after the last receipt. `phaseAt`
   * names the phase a message was sent (or, for ordering, delivered) in when no window holds it.
   */
  accountLoss(endedAt: number, phaseAt: (at: number) => string): Map<string, ScopeAccounting> {
    const accounting = new Map<string, ScopeAccounting>();
    for (const scope of this.scopes()) {
      const builder = this.breakdownOf(scope);
      const group = groupOfScope(scope);
      const broadcastInstance = broadcastInstanceOf(scope);
      this.ledger.forEachLost(scope, (producerId, seq) => {
        const origin = this.ledger.origins.of(producerId, seq);
        const lost = {
          producerId,
          seq,
          queue: origin?.queue ?? UNKNOWN_QUEUE,
          tag: origin?.tag ?? '',
          holder:
            broadcastInstance ?? (origin ? this.holdings.holderAt(group, origin.queue, origin.sentAt) : undefined),
          window: origin ? (this.attribution.faultWindowAt(origin.sentAt)?.label ?? phaseAt(origin.sentAt)) : 'unknown',
          sentAt: origin?.sentAt,
          offsetReused:
            origin?.queueOffset !== undefined && this.ledger.positions.isReused(origin.queue, origin.queueOffset),
          withHost:
            origin && broadcastInstance === undefined
              ? this.hostLosses.hostOf(group, origin.queue, origin.queueOffset, origin.sentAt)
              : undefined,
        };
        builder.addLost(lost);
        this.messageLog?.lost(scope, lost);
      });
      // A reordering belongs to the disturbance its delivery fell in, as a duplicate does.
      const ordering = this.ledger.orderingOf(scope, (at) => this.attribution.disturbanceAt(at)?.label ?? phaseAt(at));
      accounting.set(scope, { breakdown: builder.build(endedAt), lostCells: builder.lost(), ordering });
    }
    return accounting;
  }

  /** `deadLetter`: the group's poison messages and limit (clustering groups with `deadLetter` only). */
  addConsumer(info: ConsumerInstanceInfo, expectation?: ScopeExpectation, deadLetter?: GroupDeadLetter): void {
    this.consumers.set(info.instanceId, info);
    this.failover.addGroup(info.group);
    const scope = scopeOf(info);
    if (expectation) this.ledger.expect(scope, expectation);
    else this.ledger.registerScope(scope);
    if (deadLetter && info.model === 'clustering' && !this.deadLetterSpecs.has(scope)) {
      const { poison, seed, maxReconsumeTimes } = deadLetter;
      const spec: DeadLetterSpec = {
        maxReconsumeTimes,
        isPoison: (producerId, seq) => isPoison(poison, seed, producerId, seq),
      };
      this.deadLetterSpecs.set(scope, spec);
      this.ledger.expectDeadLetters(scope, spec);
    }
  }

  /** Scopes (clustering groups) whose consumers dead-letter poison messages. */
  deadLetterScopes(): string[] {
    return [...this.deadLetterSpecs.keys()];
  }

  /** The summary's `deadLetters`: per dead-letter group, its read-back and retry timeline against `delayLevelsMs`. */
  deadLetterResults(delayLevelsMs: readonly number[]): DeadLetterResult[] {
    return [...this.deadLetterSpecs].map(([scope, spec]) => ({
      group: scope,
      maxReconsumeTimes: spec.maxReconsumeTimes,
      readBack: this.deadLetterReadBack?.find((r) => r.group === scope) ?? null,
      timeline: this.retryTimeline.result(delayLevelsMs, scope),
    }));
  }

  /** A message of this run read back from `scope`'s DLQ: the ledger counts it, the message log keeps where. */
  deadLettered(scope: string, producerId: string, seq: number, brokerName: string, dlqOffset: number): void {
    this.ledger.recordDeadLettered(scope, producerId, seq);
    this.messageLog?.deadLetter(groupOfScope(scope), producerId, seq, brokerName, dlqOffset);
  }

  /** A delivery answered retry: a dead-letter group's ledger and retry timeline note it. */
  private failedDelivery(scope: string, producerId: string, seq: number, reconsumeTimes: number, at: number): void {
    const spec = this.deadLetterSpecs.get(scope);
    if (!spec) return;
    this.ledger.recordFailure(scope, producerId, seq, reconsumeTimes);
    if (spec.isPoison(producerId, seq)) this.retryTimeline.record(scope, producerId, seq, reconsumeTimes, at);
  }

  /**
   * A host went at `at` with these instances on it: for each clustering group among them, the
   * queues they last reported holding are watched for where the group resumes them.
   */
  hostLost(host: string, instanceIds: readonly string[], at: number): void {
    const byGroup = new Map<string, string[]>();
    for (const id of instanceIds) {
      const info = this.consumers.get(id);
      if (info?.model !== 'clustering') continue;
      byGroup.set(info.group, [...(byGroup.get(info.group) ?? []), id]);
    }
    for (const [group, instances] of byGroup) {
      const queues = [...new Set(instances.flatMap((id) => this.assignments.get(id) ?? []))];
      this.hostLosses.lost(host, group, instances, queues, at);
    }
  }

  consumer(instanceId: string): ConsumerInstanceInfo | undefined {
    return this.consumers.get(instanceId);
  }

  /**
   * `ordering`: the producer sends ordered messages, whose keys' order the ledger then checks;
   * `transaction`: transactional ones, whose rolled-back halves the ledger never expects.
   * `delay`: it delays some, whose lateness is measured.
   */
  addProducer(producerId: string, ordering?: OrderingSpec, transaction?: TransactionSpec, delay?: DelayKind): void {
    this.ledger.registerProducer(producerId, ordering, transaction);
    if (delay) this.timers.registerProducer(producerId, delay);
    this.attempted.set(producerId, 0);
  }

  scopes(): string[] {
    return [...new Set([...this.consumers.values()].map(scopeOf))];
  }

  handle(message: FromWorker): void {
    switch (message.type) {
      case 'acks': {
        message.seqs.forEach((seq, i) => {
          const queue = message.queues[i];
          const sentAt = message.sentAtMs[i];
          const queueOffset = message.offsets[i] ?? -1;
          this.ledger.recordAcked(
            message.producerId,
            seq,
            message.tags[i] ?? '',
            queue !== undefined && sentAt !== undefined ? { queue, sentAt, queueOffset } : undefined,
          );
          if (message.dueAtMs) this.timers.acked(message.producerId, seq, sentAt ?? 0, message.dueAtMs[i] ?? 0);
        });
        this.messageLog?.acks(message);
        this.failover.sendReport(Date.now(), message.seqs.length, message.errors);
        this.noteAttempted(message.producerId, message.attempted);
        for (const [code, count] of Object.entries(message.errors)) {
          this.sendErrors[code] = (this.sendErrors[code] ?? 0) + count;
          this.interval.sendErrors += count;
        }
        this.dropped += message.dropped;
        this.interval.dropped += message.dropped;
        this.interval.acked += message.seqs.length;
        const latency: Histogram = decodeHistogram(message.sendLatency);
        this.sendLatency.add(latency);
        this.interval.send.add(latency);
        for (const window of this.windows)
          if (window.producers.has(message.producerId)) {
            window.acked += message.seqs.length;
            window.send.add(latency);
          }
        break;
      }
      case 'receipts':
        this.handleReceipts(message);
        break;
      case 'check-backs':
        this.checkBacks.record(message.producerId, message.items);
        // Which halves, answered how and by whom: the life of a transaction an explain can follow.
        this.events.emit('check-backs', {
          instance: message.producerId,
          checks: message.items.map(([producerId, seq, born, checkedAt, answer]) => ({
            id: `${producerId}:${seq}`,
            answer,
            latencyMs: checkedAt - born,
          })),
        });
        // A check-back proves its half was stored, even when its sender died before saying so.
        for (const [producerId, seq, , , , tag] of message.items) this.ledger.recordAcked(producerId, seq, tag);
        break;
      case 'assignment': {
        this.assignments.set(message.instanceId, message.queues);
        const info = this.consumers.get(message.instanceId);
        if (info?.model === 'clustering')
          this.holdings.record(info.group, message.instanceId, message.queues, message.atMs);
        this.rebalance.assignment(message.instanceId, message.queues, message.atMs);
        this.events.emit('assignment', { instance: message.instanceId, queues: message.queues }, message.atMs);
        break;
      }
      case 'producer-done':
        this.noteAttempted(message.producerId, message.attempted);
        break;
      case 'consumer-errors': {
        const group = this.consumers.get(message.instanceId)?.group ?? message.instanceId;
        const counts = (this.pullErrors[group] ??= {});
        for (const [reason, n] of Object.entries(message.errors)) counts[reason] = (counts[reason] ?? 0) + n;
        // The summary counts by group; the event log keeps which instance (and client) saw them.
        this.events.emit('consumer-errors', { instance: message.instanceId, errors: message.errors });
        break;
      }
      default:
        break;
    }
  }

  /** Starts collecting a step of the rate search: from now, until closeWindow. */
  openWindow(producers: ReadonlySet<string>): StepWindow {
    // Receipts counted before now belong to the step before.
    this.flushE2e();
    const window = new StepWindow(producers);
    this.windows.add(window);
    return window;
  }

  closeWindow(window: StepWindow): StepWindow {
    this.flushE2e();
    this.windows.delete(window);
    return window;
  }

  brokerSample(sample: BrokerBacklogSample): void {
    this.lastBrokerSample = sample;
    this.brokerSampleFresh = true;
    for (const [group, lag] of Object.entries(sample.byQueue)) this.rebalance.backlog(group, lag, sample.at);
  }

  /** Closes the current interval into a time series row. */
  sample(now: number, phase: string): TimeSeriesRow {
    this.flushE2e();
    const attempted = this.totalAttempted();
    const row: TimeSeriesRow = {
      t: now - this.startedAt,
      phase,
      sent: attempted - this.lastAttempted,
      acked: this.interval.acked,
      sendErrors: this.interval.sendErrors,
      dropped: this.interval.dropped,
      received: this.interval.received,
      duplicates: this.interval.duplicates,
      backlogLedger: this.ledgerBacklog(),
      backlogByScope: Object.fromEntries(this.scopes().map((scope) => [scope, this.ledger.outstanding(scope)])),
      backlogBroker:
        this.brokerSampleFresh && this.lastBrokerSample
          ? Object.values(this.lastBrokerSample.byGroup).reduce((a, b) => a + b, 0)
          : null,
      ...(this.brokerSampleFresh && this.lastBrokerSample
        ? { backlogBrokerByQueue: laggingQueues(this.lastBrokerSample) }
        : {}),
      e2e: percentiles(this.interval.e2e),
      send: percentiles(this.interval.send),
      perInstance: Object.fromEntries(this.interval.perInstance),
      receivedByTag: Object.fromEntries(this.interval.byTag),
    };
    this.lastAttempted = attempted;
    this.brokerSampleFresh = false;
    this.interval = this.freshInterval();
    this.rows.push(row);
    return row;
  }

  totalAttempted(): number {
    let sum = 0;
    for (const n of this.attempted.values()) sum += n;
    return sum;
  }

  totalSendErrors(): number {
    return Object.values(this.sendErrors).reduce((a, b) => a + b, 0);
  }

  totalReceipts(): number {
    return this.scopes().reduce((sum, scope) => sum + this.ledger.receiptCount(scope), 0);
  }

  /** Acked messages some scope has not received yet (the ledger's backlog), summed over scopes. */
  ledgerBacklog(): number {
    return this.scopes().reduce((sum, scope) => sum + this.ledger.outstanding(scope), 0);
  }

  /** The group's latency histogram, made on the group's first receipt (the map's order is first receipt's). */
  private groupLatency(group: string): Histogram {
    let histogram = this.e2eGroups.get(group);
    if (!histogram) this.e2eGroups.set(group, (histogram = newHistogram()));
    return histogram;
  }

  /** Records the batches' latencies counted so far into the overall, group and interval histograms. */
  private flushE2e(): void {
    const windows = [...this.windows].map((w) => w.e2e);
    for (const [group, tally] of this.e2eTallies)
      tally.flush([this.e2eAll, this.groupLatency(group), this.interval.e2e, ...windows]);
  }

  private readonly offsetOf: OffsetOf = (producerId, seq) => this.ledger.origins.of(producerId, seq);

  private breakdownOf(scope: string): BreakdownBuilder {
    let builder = this.breakdowns.get(scope);
    if (!builder) this.breakdowns.set(scope, (builder = new BreakdownBuilder(this.startedAt)));
    return builder;
  }

  private freshInterval() {
    return {
      e2e: newHistogram(),
      send: newHistogram(),
      acked: 0,
      sendErrors: 0,
      dropped: 0,
      received: 0,
      duplicates: 0,
      perInstance: new Map<string, number>(),
      byTag: new Map<string, number>(),
    };
  }

  private noteAttempted(producerId: string, attempted: number): void {
    this.ledger.recordAttempted(producerId, attempted);
    this.attempted.set(producerId, Math.max(this.attempted.get(producerId) ?? 0, attempted));
  }

  private handleReceipts(message: Extract<FromWorker, { type: 'receipts' }>): void {
    const info = this.consumers.get(message.instanceId);
    if (!info) return;
    const scope = scopeOf(info);
    const count = message.items.length + message.foreign;
    this.interval.received += count;
    this.interval.perInstance.set(message.instanceId, (this.interval.perInstance.get(message.instanceId) ?? 0) + count);
    const watching = info.model === 'clustering' && this.hostLosses.watching(info.group);
    for (const receipt of message.items) {
      const [producerId, seq, born, receivedAt, queue, , outcome, tag] = receipt;
      this.interval.byTag.set(tag, (this.interval.byTag.get(tag) ?? 0) + 1);
      const kind = this.ledger.recordReceipt(scope, producerId, seq, message.instanceId, outcome === 'success');
      this.ledger.ordering.recordDelivery(scope, producerId, seq, receivedAt);
      this.timers.received(producerId, seq, receivedAt);
      recordMs(this.e2eAll, receivedAt - born);
      this.failover.receipt(info.group, born, receivedAt);
      recordMs(this.groupLatency(info.group), receivedAt - born);
      recordMs(this.interval.e2e, receivedAt - born);
      for (const window of this.windows) recordMs(window.e2e, receivedAt - born);
      if (info.model === 'clustering') this.rebalance.delivery(message.instanceId, queue, receivedAt);
      if (watching && receipt[5] === 0)
        this.hostLosses.delivery(info.group, info.instanceId, producerId, seq, queue, receivedAt, this.offsetOf);
      const id = `${scope}:${producerId}:${seq}`;
      this.messageLog?.delivery(deliveryRecord(info.group, message.instanceId, receipt, kind));
      if (kind === 'duplicate') this.duplicate(info, scope, id, receipt);
      if (outcome === 'retry') {
        this.attribution.noteRetry(id);
        this.failedDelivery(scope, producerId, seq, receipt[5], receivedAt);
      }
    }
    if (message.foreign > 0) this.ledger.recordForeign(scope, message.instanceId, message.foreign);
  }

  /** A duplicate receipt: attributed to its disturbance, counted in its scope's breakdown, logged as an event. */
  private duplicate(info: ConsumerInstanceInfo, scope: string, id: string, receipt: ReceiptTuple): void {
    const [producerId, seq, , receivedAt, queue, reconsumeTimes, , tag] = receipt;
    this.interval.duplicates++;
    const cause = this.attribution.attribute(id, receivedAt, { group: info.group, instance: info.instanceId });
    this.breakdownOf(scope).addDuplicate({
      producerId,
      seq,
      queue,
      tag,
      instance: info.instanceId,
      window: cause,
      receivedAt,
    });
    this.events.emit(
      'duplicate',
      { scope, instance: info.instanceId, id: `${producerId}:${seq}`, queue, reconsumeTimes, cause },
      receivedAt,
    );
  }

  /**
   * An agent's receipt batch (agents/receipt-batch.ts): the same as a `receipts` message with
   * the same receipts, to the last histogram count, event and message-log record (a property
   * test holds it to that), at a fraction of the cost: every part of the run's view is fed a
   * column at a time, with the per-producer and per-group lookups done once per batch, and
   * only duplicates and retries, which are rare, handled one by one. The batch is decoded and
   * checked whole before anything is recorded; a batch of an instance this run does not know
   * (another run's agent) or one that does not decode throws ReceiptBatchError.
   */
  handleReceiptBatch(wire: ReceiptBatch): void {
    const info = this.consumers.get(wire.instanceId);
    if (!info) throw new ReceiptBatchError(wire.instanceId, 'no consumer instance of this run has that id');
    const batch = decodeReceiptBatch(wire);
    const scope = scopeOf(info);
    const n = batch.count;
    const count = n + batch.foreign;
    this.interval.received += count;
    this.interval.perInstance.set(info.instanceId, (this.interval.perInstance.get(info.instanceId) ?? 0) + count);
    // Tags in order of first use (the dictionary's order), as receipt by receipt.
    const perTag = new Uint32Array(batch.tags.length);
    for (let i = 0; i < n; i++) perTag[batch.tag[i]!]!++;
    batch.tags.forEach((tag, t) => this.interval.byTag.set(tag, (this.interval.byTag.get(tag) ?? 0) + perTag[t]!));
    const duplicates = new Uint8Array((n + 7) >>> 3);
    const duplicateCount = this.ledger.recordReceipts(scope, info.instanceId, batch, duplicates);
    this.ledger.ordering.recordDeliveries(scope, batch);
    if (this.timers.tracking)
      for (let i = 0; i < n; i++)
        this.timers.received(batch.producers[batch.producer[i]!]!, batch.seq[i]!, batch.received[i]!);
    if (n > 0) {
      this.groupLatency(info.group);
      let tally = this.e2eTallies.get(info.group);
      if (!tally) this.e2eTallies.set(info.group, (tally = new MsTally()));
      for (let i = 0; i < n; i++) tally.add(batch.received[i]! - batch.born[i]!);
      // Latencies past a minute are kept one by one: keep that list short.
      if (tally.large >= 1024) this.flushE2e();
    }
    this.failover.receipts(info.group, batch);
    if (info.model === 'clustering') this.rebalance.deliveries(info.instanceId, batch);
    if (info.model === 'clustering' && this.hostLosses.watching(info.group))
      for (let i = 0; i < n; i++) {
        if (batch.reconsumeTimes[i] !== 0) continue;
        const producerId = batch.producers[batch.producer[i]!]!;
        const queue = batch.queues[batch.queue[i]!]!;
        this.hostLosses.delivery(
          info.group,
          info.instanceId,
          producerId,
          batch.seq[i]!,
          queue,
          batch.received[i]!,
          this.offsetOf,
        );
      }
    if (n > 0) this.messageLog?.deliveries(info.group, wire, duplicates);
    let retries = 0;
    for (let b = 0; b < batch.retry.length; b++) retries |= batch.retry[b]!;
    if (duplicateCount > 0 || retries !== 0) {
      for (let i = 0; i < n; i++) {
        const duplicate = bitAt(duplicates, i);
        const retry = bitAt(batch.retry, i);
        if (!duplicate && !retry) continue;
        const producerId = batch.producers[batch.producer[i]!]!;
        const id = `${scope}:${producerId}:${batch.seq[i]}`;
        if (duplicate) this.duplicate(info, scope, id, receiptAt(batch, i));
        if (!retry) continue;
        this.attribution.noteRetry(id);
        this.failedDelivery(scope, producerId, batch.seq[i]!, batch.reconsumeTimes[i]!, batch.received[i]!);
      }
    }
    if (batch.foreign > 0) this.ledger.recordForeign(scope, info.instanceId, batch.foreign);
  }
}

/** The sample's lagging queues, keyed `group topic@broker/queueId`; the rest are 0, left out to keep rows small. */
function laggingQueues(sample: BrokerBacklogSample): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [group, queues] of Object.entries(sample.byQueue))
    for (const [queue, lag] of Object.entries(queues)) if (lag > 0) out[`${group} ${queue}`] = lag;
  return out;
}
