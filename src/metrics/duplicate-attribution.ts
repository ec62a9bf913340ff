/**
 * Which disturbance a duplicate belongs to: a redelivery the consumer asked for (`retry`),
 * else the latest membership or fault window it falls in (the window stays open for
 * `tailMs` after it ends, as redeliveries trail the cause by the offset-commit interval and a
 * rebalance), else `none`. Labels are counted, so the report can say "87 duplicates after
 * kill billing#1 at 12.3 s".
 */
export interface DisturbanceWindow {
  label: string;
  from: number;
  to?: number;
}

export class DuplicateAttribution {
  readonly counts = new Map<string, number>();
  private readonly windows: DisturbanceWindow[] = [];
  private readonly retried = new Set<string>();

  constructor(private readonly tailMs = 30_000) {}

  open(label: string, at: number): DisturbanceWindow {
    const window: DisturbanceWindow = { label, from: at };
    this.windows.push(window);
    return window;
  }

  /** The consumer answered `retry` for this id: its next delivery is a requested one. */
  noteRetry(id: string): void {
    this.retried.add(id);
  }

  attribute(id: string, at: number): string {
    let label = 'none';
    if (this.retried.delete(id)) {
      label = 'retry';
    } else {
      for (let i = this.windows.length - 1; i >= 0; i--) {
        const w = this.windows[i]!;
        if (w.from <= at && at <= (w.to ?? w.from) + this.tailMs) {
          label = w.label;
          break;
        }
      }
    }
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    return label;
  }
}
