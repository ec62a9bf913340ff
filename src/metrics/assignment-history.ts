/**
 * Which instance held each queue when: the assignments consumers report (after every
 * rebalance step), kept as intervals per group and queue, so loss accounting can name the
 * instance that held a lost message's queue when the message was sent. Overlaps are real
 * (during a rebalance the old owner has not dropped a queue the new one already took); the
 * one that took the queue last is the holder then.
 */
interface Holding {
  instance: string;
  from: number;
  to?: number;
}

export class AssignmentHistory {
  /** group → queue → holdings in order of `from`. */
  private readonly byGroup = new Map<string, Map<string, Holding[]>>();
  /** group\0instance → queues it holds now. */
  private readonly current = new Map<string, Set<string>>();

  record(group: string, instance: string, queues: readonly string[], at: number): void {
    let byQueue = this.byGroup.get(group);
    if (!byQueue) this.byGroup.set(group, (byQueue = new Map()));
    const key = `${group}\u0000${instance}`;
    const before = this.current.get(key) ?? new Set<string>();
    const after = new Set(queues);
    for (const queue of before) {
      if (after.has(queue)) continue;
      const holdings = byQueue.get(queue) ?? [];
      for (let i = holdings.length - 1; i >= 0; i--) {
        const h = holdings[i]!;
        if (h.instance === instance && h.to === undefined) {
          h.to = at;
          break;
        }
      }
    }
    for (const queue of after) {
      if (before.has(queue)) continue;
      let holdings = byQueue.get(queue);
      if (!holdings) byQueue.set(queue, (holdings = []));
      holdings.push({ instance, from: at });
    }
    this.current.set(key, after);
  }

  /** The instance holding `queue` in `group` at `at`, or undefined when nobody did. */
  holderAt(group: string, queue: string, at: number): string | undefined {
    const holdings = this.byGroup.get(group)?.get(queue);
    if (!holdings) return undefined;
    for (let i = holdings.length - 1; i >= 0; i--) {
      const h = holdings[i]!;
      if (h.from <= at && (h.to === undefined || at < h.to)) return h.instance;
    }
    return undefined;
  }
}
