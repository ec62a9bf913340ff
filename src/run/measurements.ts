import * as hdr from 'hdr-histogram-js';
import type { FromWorker } from '../fleet/protocol.ts';
import { Ledger } from '../metrics/ledger.ts';
import type { EventLog } from './event-log.ts';

export interface ConsumerInstanceInfo {
  instanceId: string;
  fleet: string;
  group: string;
  model: 'clustering' | 'broadcasting';
}

/** Ledger scope of a receipt: the group in clustering, the instance in broadcasting. */
export function scopeOf(info: ConsumerInstanceInfo): string {
  return info.model === 'clustering' ? info.group : `${info.group}/${info.instanceId}`;
}

export function newLatencyHistogram(): hdr.Histogram {
  // 1 ms .. 1 h at 3 significant digits: the range a message can plausibly take end to end.
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
}

/**
 * The coordinator's view of a run, fed by worker messages: the ledger, send counters, the
 * end-to-end latency histogram and each consumer's current assignment.
 */
export class Measurements {
  readonly ledger = new Ledger();
  readonly e2eLatency = newLatencyHistogram();
  readonly sendErrors: Record<string, number> = {};
  readonly assignments = new Map<string, { queues: string[]; atMs: number }>();
  attempted = new Map<string, number>();
  dropped = 0;
  duplicatesSeen = 0;
  private readonly consumers = new Map<string, ConsumerInstanceInfo>();

  constructor(private readonly events: EventLog) {}

  addConsumer(info: ConsumerInstanceInfo): void {
    this.consumers.set(info.instanceId, info);
    this.ledger.registerScope(scopeOf(info));
  }

  addProducer(producerId: string): void {
    this.ledger.registerProducer(producerId);
    this.attempted.set(producerId, 0);
  }

  scopes(): string[] {
    return [...new Set([...this.consumers.values()].map(scopeOf))];
  }

  handle(message: FromWorker): void {
    switch (message.type) {
      case 'acks':
        for (const seq of message.seqs) this.ledger.recordAcked(message.producerId, seq);
        this.ledger.recordAttempted(message.producerId, message.attempted);
        this.attempted.set(message.producerId, message.attempted);
        for (const [code, count] of Object.entries(message.errors)) this.sendErrors[code] = (this.sendErrors[code] ?? 0) + count;
        this.dropped += message.dropped;
        break;
      case 'receipts': {
        const info = this.consumers.get(message.instanceId);
        if (!info) break;
        const scope = scopeOf(info);
        for (const [producerId, seq, born, receivedAt, queue, reconsumeTimes] of message.items) {
          const kind = this.ledger.recordReceipt(scope, producerId, seq, message.instanceId);
          this.e2eLatency.recordValue(Math.max(1, receivedAt - born));
          if (kind === 'duplicate') {
            this.duplicatesSeen++;
            this.events.emit('duplicate', { scope, instance: message.instanceId, id: `${producerId}:${seq}`, queue, reconsumeTimes }, receivedAt);
          }
        }
        if (message.foreign > 0) this.ledger.recordForeign(scope, message.instanceId, message.foreign);
        break;
      }
      case 'assignment':
        this.assignments.set(message.instanceId, { queues: message.queues, atMs: message.atMs });
        this.events.emit('assignment', { instance: message.instanceId, queues: message.queues }, message.atMs);
        break;
      case 'producer-done':
        this.ledger.recordAttempted(message.producerId, message.attempted);
        this.attempted.set(message.producerId, message.attempted);
        break;
      default:
        break;
    }
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
    const acked = this.ledger.totalAcked();
    return this.scopes().reduce((sum, scope) => sum + (acked - this.ledger.uniqueAckedReceived(scope)), 0);
  }
}
