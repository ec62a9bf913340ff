/**
 * Loss and duplicates of one ledger scope broken down by topic, tag, queue, instance and
 * window, with some message ids per cell to start a drill-down from, and a per-queue strip of
 * counts over time (the report's heat strip). A lost message's instance is the one that held
 * its queue when it was sent (`(nobody)` when no member did), its window the fault window it
 * was sent in, else its phase; a duplicate's instance is the one that received it, its window
 * the disturbance the run attributed it to (duplicate-attribution.ts).
 */
import { queueTopic } from './queue-keys.ts';

export const IDS_PER_CELL = 20;
export const NO_TAG = '(no tag)';
export const NOBODY = '(nobody)';
export const UNKNOWN_QUEUE = '(unknown)';

/** One message the scope was meant to consume and never did, with where the run attributes it. */
export interface LostMessage {
  producerId: string;
  seq: number;
  /** `topic@broker/queueId`; UNKNOWN_QUEUE when the ack carried no origin. */
  queue: string;
  tag: string;
  /** The member holding the queue when the message was sent; undefined when nobody did. */
  holder: string | undefined;
  /** Fault window label, else phase. */
  window: string;
  /** Epoch ms; undefined when unknown. */
  sentAt: number | undefined;
  /** Another acked message got the same queue offset: the log that held this one was cut back (queue-positions.ts). */
  offsetReused: boolean;
  /** The lost host it was consumed on, its receipt dying with it (host-losses.ts); undefined otherwise. */
  withHost: string | undefined;
}

export interface DuplicateDelivery {
  producerId: string;
  seq: number;
  queue: string;
  tag: string;
  instance: string;
  window: string;
  receivedAt: number;
}

export interface BreakdownCell {
  key: string;
  lost: number;
  duplicates: number;
  /** Up to IDS_PER_CELL ids (`producer:seq`) of lost messages in this cell, lowest first per producer. */
  lostIds: string[];
  /** Up to IDS_PER_CELL ids of duplicated messages in this cell, in order of arrival. */
  duplicateIds: string[];
}

export interface HeatStrip {
  /** Width of one column. */
  bucketMs: number;
  /** Columns cover [0, columns × bucketMs) ms since the run started. */
  columns: number;
  /** Every queue that lost or duplicated anything, in queue order. */
  queues: { queue: string; lost: number[]; duplicates: number[] }[];
}

export interface ScopeBreakdown {
  byTopic: BreakdownCell[];
  byTag: BreakdownCell[];
  byQueue: BreakdownCell[];
  byInstance: BreakdownCell[];
  byWindow: BreakdownCell[];
  heat: HeatStrip;
}

/** The finest cell: what explanation (checks/loss-explanation.ts) matches findings against. */
export interface LostCell {
  queue: string;
  tag: string;
  holder: string | undefined;
  window: string;
  /** The cell's messages had their queue offsets given to other messages (see LostMessage). */
  offsetReused: boolean;
  /** The cell's messages were consumed on this lost host (see LostMessage). */
  withHost: string | undefined;
  count: number;
}

type Dimension = 'byTopic' | 'byTag' | 'byQueue' | 'byInstance' | 'byWindow';

/** Column widths the heat strip picks from: the smallest that keeps it at most MAX_COLUMNS wide. */
const BUCKET_STEPS_MS = [1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
const MAX_COLUMNS = 60;

export class BreakdownBuilder {
  private readonly cells = new Map<Dimension, Map<string, BreakdownCell>>();
  private readonly lostCells = new Map<string, LostCell>();
  /** queue → second since the run started → [lost, duplicates]. */
  private readonly perSecond = new Map<string, Map<number, [number, number]>>();

  constructor(private readonly runStartedAt: number) {}

  addLost(m: LostMessage): void {
    const id = `${m.producerId}:${m.seq}`;
    for (const [dimension, key] of this.keysOf(m.queue, m.tag, m.holder ?? NOBODY, m.window)) {
      const cell = this.cell(dimension, key);
      cell.lost++;
      if (cell.lostIds.length < IDS_PER_CELL) cell.lostIds.push(id);
    }
    const fineKey = [m.queue, m.tag, m.holder ?? '', m.window, m.offsetReused, m.withHost ?? ''].join('\u0000');
    const fine = this.lostCells.get(fineKey) ?? {
      queue: m.queue,
      tag: m.tag,
      holder: m.holder,
      window: m.window,
      offsetReused: m.offsetReused,
      withHost: m.withHost,
      count: 0,
    };
    fine.count++;
    this.lostCells.set(fineKey, fine);
    if (m.sentAt !== undefined) this.countAt(m.queue, m.sentAt, 0);
  }

  addDuplicate(d: DuplicateDelivery): void {
    const id = `${d.producerId}:${d.seq}`;
    for (const [dimension, key] of this.keysOf(d.queue, d.tag, d.instance, d.window)) {
      const cell = this.cell(dimension, key);
      cell.duplicates++;
      if (cell.duplicateIds.length < IDS_PER_CELL) cell.duplicateIds.push(id);
    }
    this.countAt(d.queue, d.receivedAt, 1);
  }

  /** Lost messages by (queue, tag, holder, window), for explaining them. */
  lost(): LostCell[] {
    return [...this.lostCells.values()];
  }

  build(runEndedAt: number): ScopeBreakdown {
    const sorted = (dimension: Dimension) =>
      [...(this.cells.get(dimension)?.values() ?? [])].sort(
        (a, b) => b.lost - a.lost || b.duplicates - a.duplicates || (a.key < b.key ? -1 : 1),
      );
    return {
      byTopic: sorted('byTopic'),
      byTag: sorted('byTag'),
      byQueue: sorted('byQueue'),
      byInstance: sorted('byInstance'),
      byWindow: sorted('byWindow'),
      heat: this.heat(Math.max(1, runEndedAt - this.runStartedAt)),
    };
  }

  private heat(spanMs: number): HeatStrip {
    let lastSecond = Math.ceil(spanMs / 1000);
    for (const counts of this.perSecond.values())
      for (const s of counts.keys()) lastSecond = Math.max(lastSecond, s + 1);
    const bucketMs =
      BUCKET_STEPS_MS.find((step) => Math.ceil((lastSecond * 1000) / step) <= MAX_COLUMNS) ??
      BUCKET_STEPS_MS[BUCKET_STEPS_MS.length - 1]!;
    const columns = Math.max(1, Math.ceil((lastSecond * 1000) / bucketMs));
    const queues = [...this.perSecond.keys()].sort().map((queue) => {
      const lost = new Array<number>(columns).fill(0);
      const duplicates = new Array<number>(columns).fill(0);
      for (const [second, [l, d]] of this.perSecond.get(queue)!) {
        const column = Math.min(columns - 1, Math.floor((second * 1000) / bucketMs));
        lost[column]! += l;
        duplicates[column]! += d;
      }
      return { queue, lost, duplicates };
    });
    return { bucketMs, columns, queues };
  }

  private countAt(queue: string, at: number, which: 0 | 1): void {
    const second = Math.max(0, Math.floor((at - this.runStartedAt) / 1000));
    let counts = this.perSecond.get(queue);
    if (!counts) this.perSecond.set(queue, (counts = new Map()));
    const pair = counts.get(second) ?? [0, 0];
    pair[which]++;
    counts.set(second, pair);
  }

  private keysOf(queue: string, tag: string, instance: string, window: string): [Dimension, string][] {
    return [
      ['byTopic', queue === UNKNOWN_QUEUE ? UNKNOWN_QUEUE : queueTopic(queue)],
      ['byTag', tag === '' ? NO_TAG : tag],
      ['byQueue', queue],
      ['byInstance', instance],
      ['byWindow', window],
    ];
  }

  private cell(dimension: Dimension, key: string): BreakdownCell {
    let byKey = this.cells.get(dimension);
    if (!byKey) this.cells.set(dimension, (byKey = new Map()));
    let cell = byKey.get(key);
    if (!cell) byKey.set(key, (cell = { key, lost: 0, duplicates: 0, lostIds: [], duplicateIds: [] }));
    return cell;
  }
}
