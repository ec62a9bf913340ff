/**
 * Which disturbance a duplicate belongs to: a redelivery the consumer asked for (`retry`),
 * else the latest membership or fault window it falls in (the window stays open for
 * `tailMs` after it ends, as redeliveries trail the cause by the offset-commit interval and a
 * rebalance), else `none`. Labels are counted, so the report can say "87 duplicates after
 * kill billing#1 at 12.3 s".
 */
export interface DisturbanceWindow {
  label: string;
  /** A fault's window, or a membership change's (join, leave, kill of a consumer instance). */
  kind: 'fault' | 'membership';
  from: number;
  to?: number;
}

/** Duplicates one group had in one window: how many, when, and which instances got them. */
export interface WindowDuplicates {
  label: string;
  group: string;
  count: number;
  firstAt: number;
  lastAt: number;
  instances: string[];
}

export class DuplicateAttribution {
  readonly counts = new Map<string, number>();
  private readonly byGroupWindow = new Map<string, WindowDuplicates>();
  private readonly windows: DisturbanceWindow[] = [];
  private readonly retried = new Set<string>();

  constructor(private readonly tailMs = 30_000) {}

  open(label: string, at: number, kind: DisturbanceWindow['kind'] = 'membership'): DisturbanceWindow {
    const window: DisturbanceWindow = { label, kind, from: at };
    this.windows.push(window);
    return window;
  }

  /** The consumer answered `retry` for this id: its next delivery is a requested one. */
  noteRetry(id: string): void {
    this.retried.add(id);
  }

  /** Every (group, window) that had duplicates, in order of the first one. */
  perGroupWindow(): WindowDuplicates[] {
    return [...this.byGroupWindow.values()].map((w) => ({ ...w, instances: [...w.instances].sort() }));
  }

  /**
   * The latest fault window `at` falls in, without the tail: what a message sent at `at` was
   * sent during (loss accounting). A window still open at the end counts to the end.
   */
  faultWindowAt(at: number): DisturbanceWindow | undefined {
    return this.latestWindow((w) => w.kind === 'fault' && w.from <= at && (w.to === undefined || at <= w.to));
  }

  /**
   * The latest window of any kind `at` falls in, with the tail: the disturbance a delivery at
   * `at` belongs to (duplicates, reorderings).
   */
  disturbanceAt(at: number): DisturbanceWindow | undefined {
    return this.latestWindow((w) => w.from <= at && at <= (w.to ?? w.from) + this.tailMs);
  }

  attribute(id: string, at: number, who?: { group: string; instance: string }): string {
    const label = this.retried.delete(id) ? 'retry' : (this.disturbanceAt(at)?.label ?? 'none');
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    if (who) {
      const key = `${who.group}\u0000${label}`;
      const stats = this.byGroupWindow.get(key) ?? {
        label,
        group: who.group,
        count: 0,
        firstAt: at,
        lastAt: at,
        instances: [],
      };
      stats.count++;
      stats.firstAt = Math.min(stats.firstAt, at);
      stats.lastAt = Math.max(stats.lastAt, at);
      if (!stats.instances.includes(who.instance)) stats.instances.push(who.instance);
      this.byGroupWindow.set(key, stats);
    }
    return label;
  }

  /** The most recently opened window that `matches`: later disturbances take precedence. */
  private latestWindow(matches: (w: DisturbanceWindow) => boolean): DisturbanceWindow | undefined {
    for (let i = this.windows.length - 1; i >= 0; i--) if (matches(this.windows[i]!)) return this.windows[i];
    return undefined;
  }
}
