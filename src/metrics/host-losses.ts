/**
 * Messages consumed on a host the run lost, whose receipts died with it. An instance sends a
 * receipt before its handler returns, so no offset commit outruns it to its parent; but on an
 * agent's host that parent is the agent, which batches receipts for a few milliseconds before
 * they cross the network. When the host dies, the receipts in that batch (and in its socket)
 * die with it, while the broker may already hold the offsets committed past them (a pull
 * carries the commit). The member that takes the queue over resumes from that committed
 * offset, so those messages are never delivered again and the ledger counts them lost.
 *
 * This tells them apart from loss: per queue the lost instances held (their last reported
 * assignment), the lowest queue offset another member of the group first delivered after the
 * loss is where the group resumed. A lost message of that queue, sent before the loss, below
 * that offset, was consumed and committed on the lost host. A queue nobody resumed explains
 * nothing. Only remoting clustering groups report assignments, so only they are covered.
 */
import { isKnownQueue } from './queue-keys.ts';

/** One host lost mid-run, as a group saw it: for loss accounting and the `lost-with-host` finding. */
export interface HostLoss {
  host: string;
  group: string;
  /** The group's instances that ran on the host. */
  instances: string[];
  /** When the run saw the host go, epoch ms. */
  at: number;
  /** Queues those instances held, with the offset the group resumed each from (undefined: not resumed). */
  queues: { queue: string; resumedAt: number | undefined }[];
}

interface Watch {
  host: string;
  instances: Set<string>;
  at: number;
  /** queue → lowest offset another member first delivered after `at` (Infinity until one does). */
  resume: Map<string, number>;
}

/** The queue and offset a message was acked at (the ledger's origins), or undefined when unknown. */
export type OffsetOf = (producerId: string, seq: number) => { queue: string; queueOffset?: number } | undefined;

export class HostLosses {
  private readonly byGroup = new Map<string, Watch[]>();

  /** `queues`: what the instances last reported holding; instances that held none are still named. */
  lost(host: string, group: string, instances: readonly string[], queues: readonly string[], at: number): void {
    const resume = new Map<string, number>();
    for (const queue of queues) if (isKnownQueue(queue)) resume.set(queue, Number.POSITIVE_INFINITY);
    let watches = this.byGroup.get(group);
    if (!watches) this.byGroup.set(group, (watches = []));
    watches.push({ host, instances: new Set(instances), at, resume });
  }

  /** Cheap guard for the receipt paths: false for every group until a host of it is lost. */
  watching(group: string): boolean {
    return this.byGroup.has(group);
  }

  /**
   * One first delivery (reconsumeTimes 0) to `instance` of `group`: when it resumes a queue a
   * lost host held, its acked offset may lower where the group resumed that queue.
   */
  delivery(
    group: string,
    instance: string,
    producerId: string,
    seq: number,
    queue: string,
    receivedAt: number,
    offsetOf: OffsetOf,
  ): void {
    for (const watch of this.byGroup.get(group) ?? []) {
      if (receivedAt < watch.at || watch.instances.has(instance)) continue;
      const lowest = watch.resume.get(queue);
      if (lowest === undefined) continue;
      const origin = offsetOf(producerId, seq);
      // A redelivery from the retry topic can name the queue but carries an older offset.
      if (origin?.queue !== queue || origin.queueOffset === undefined) continue;
      if (origin.queueOffset < lowest) watch.resume.set(queue, origin.queueOffset);
    }
  }

  /** The host a lost message died with: its queue was held there and resumed past it. */
  hostOf(
    group: string,
    queue: string,
    queueOffset: number | undefined,
    sentAt: number | undefined,
  ): string | undefined {
    if (queueOffset === undefined || sentAt === undefined) return undefined;
    for (const watch of this.byGroup.get(group) ?? []) {
      const resumedAt = watch.resume.get(queue);
      // Infinity: nobody resumed the queue, so nothing says where the host's commits reached.
      if (resumedAt !== undefined && Number.isFinite(resumedAt) && sentAt <= watch.at && queueOffset < resumedAt)
        return watch.host;
    }
    return undefined;
  }

  /** Every loss, per group, for the finding's evidence. */
  losses(): HostLoss[] {
    return [...this.byGroup].flatMap(([group, watches]) =>
      watches.map((w) => ({
        host: w.host,
        group,
        instances: [...w.instances].sort(),
        at: w.at,
        queues: [...w.resume]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([queue, lowest]) => ({ queue, resumedAt: Number.isFinite(lowest) ? lowest : undefined })),
      })),
    );
  }
}
