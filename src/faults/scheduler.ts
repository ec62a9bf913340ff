import type { DuplicateAttribution } from '../metrics/duplicate-attribution.ts';
import { resolveLinkRoles } from './actions/network-common.ts';
import type { FaultAction, FaultContext, FaultHandle, ObservedFault } from './fault-action.ts';

/** One planned occurrence of a fault on one target, times relative to its phase's start. */
export interface FaultOccurrence {
  fault: string;
  action: string;
  params: Record<string, unknown>;
  phase: string;
  index: number;
  atMs: number;
  durationMs: number | null;
  target: string;
}

/** Where the scheduler records fault events (the run's event log, events.ndjson). */
export interface FaultEvents {
  emit(type: string, fields?: Record<string, unknown>, at?: number): unknown;
}

/** A fault as it happened, for events.ndjson, summary.json and the report's bands (ms since run start). */
export interface FaultRecord {
  fault: string;
  action: string;
  target: string;
  occurrence: number;
  phase: string;
  params: Record<string, unknown>;
  requested: { beginMs: number; endMs: number | null };
  observed: { beginMs: number | null; endMs: number | null; detail: string };
  /** Why the fault could not be applied (the run then fails: its premise did not happen). */
  error?: string;
}

interface Active {
  record: FaultRecord;
  handle: FaultHandle;
  timer?: NodeJS.Timeout;
}

/**
 * Runs a plan's faults on time: occurrences of a phase are scheduled when the phase begins,
 * each begins through its action, ends after its duration, and every begun fault is ended
 * when the run ends, however it ends (no link left down, no process left stopped).
 * Overlapping faults are allowed; each is recorded with requested and observed times, and
 * opens a window that duplicates are attributed to.
 */
export class FaultScheduler {
  readonly records: FaultRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly active = new Set<Active>();
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly o: {
      occurrences: FaultOccurrence[];
      actionOf: (name: string) => FaultAction;
      context: FaultContext;
      events: FaultEvents;
      attribution: DuplicateAttribution;
      startedAt: number;
      /** Told of every fault as it begins, with what it hit (failover measurement). */
      onBegun?: (record: FaultRecord, observed: ObservedFault) => void;
    },
  ) {}

  enterPhase(phase: string, at = Date.now()): void {
    for (const occurrence of this.o.occurrences.filter((o) => o.phase === phase)) {
      const record: FaultRecord = {
        fault: occurrence.fault,
        action: occurrence.action,
        target: occurrence.target,
        occurrence: occurrence.index,
        phase,
        params: occurrence.params,
        requested: {
          beginMs: at + occurrence.atMs - this.o.startedAt,
          endMs:
            occurrence.durationMs === null ? null : at + occurrence.atMs + occurrence.durationMs - this.o.startedAt,
        },
        observed: { beginMs: null, endMs: null, detail: '' },
      };
      this.records.push(record);
      this.later(Math.max(0, at + occurrence.atMs - Date.now()), () => this.track(this.begin(occurrence, record)));
    }
  }

  /** Ends every active fault and cancels the ones not begun yet. */
  async endAll(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.pending]);
    await Promise.allSettled([...this.active].map((a) => this.end(a)));
    await this.o.context.network?.reset().catch(() => {});
  }

  failures(): FaultRecord[] {
    return this.records.filter((r) => r.error !== undefined);
  }

  private async begin(occurrence: FaultOccurrence, record: FaultRecord): Promise<void> {
    if (this.closed) return;
    const label = `${occurrence.action} ${occurrence.target}`;
    try {
      // A link that names a role is the link of the node in that role now (process faults resolve their own).
      const target = occurrence.action.startsWith('network.')
        ? await resolveLinkRoles(occurrence.target, this.o.context)
        : occurrence.target;
      const handle = await this.o
        .actionOf(occurrence.action)
        .begin(target, { ...occurrence.params, faultName: `${occurrence.fault}-${occurrence.index}` }, this.o.context);
      record.observed.beginMs = handle.observed.begunAt - this.o.startedAt;
      record.observed.detail = handle.observed.detail;
      // A link fault hits the node at its near end (`broker-a-s1->controller-0`); `producers` is no node.
      if (target !== occurrence.target || occurrence.action.startsWith('network.'))
        handle.observed.node ??= target.split('->')[0];
      this.o.onBegun?.(record, handle.observed);
      const window = this.o.attribution.open(
        `${label} at ${(record.observed.beginMs / 1000).toFixed(1)}s`,
        handle.observed.begunAt,
        'fault',
      );
      this.o.events.emit(
        'fault-begin',
        {
          fault: occurrence.fault,
          action: occurrence.action,
          target: occurrence.target,
          occurrence: occurrence.index,
          detail: handle.observed.detail,
        },
        handle.observed.begunAt,
      );
      const entry: Active = { record, handle };
      this.active.add(entry);
      if (occurrence.durationMs === null || handle.observed.endedAt !== undefined) {
        // Instant faults (kill, restart, scale) are over when begin returns.
        await this.end(entry);
        window.to = handle.observed.endedAt ?? Date.now();
      } else {
        entry.timer = this.later(occurrence.durationMs, () =>
          this.track(
            this.end(entry).then(() => {
              window.to = Date.now();
            }),
          ),
        );
      }
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      this.o.events.emit('fault-error', {
        fault: occurrence.fault,
        action: occurrence.action,
        target: occurrence.target,
        error: record.error,
      });
      this.o.context.log(`fault ${label} could not be applied: ${record.error}`);
    }
  }

  private async end(entry: Active): Promise<void> {
    if (!this.active.delete(entry)) return;
    if (entry.timer) clearTimeout(entry.timer);
    await entry.handle.end().catch((error: unknown) => {
      entry.record.error ??= `ending failed: ${error instanceof Error ? error.message : String(error)}`;
    });
    const endedAt = entry.handle.observed.endedAt ?? Date.now();
    entry.record.observed.endMs = endedAt - this.o.startedAt;
    this.o.events.emit(
      'fault-end',
      {
        fault: entry.record.fault,
        action: entry.record.action,
        target: entry.record.target,
        occurrence: entry.record.occurrence,
      },
      endedAt,
    );
  }

  private later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }
}
