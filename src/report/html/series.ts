import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';

/** The fields of a time-series row the charts use (older rows lack the rest, and may lack backlogByScope). */
export type ChartRow = Partial<Pick<TimeSeriesRow, 'backlogByScope' | 'backlogBrokerByQueue'>> &
  Pick<
    TimeSeriesRow,
    | 't'
    | 'sent'
    | 'acked'
    | 'received'
    | 'duplicates'
    | 'backlogLedger'
    | 'backlogBroker'
    | 'e2e'
    | 'send'
    | 'perInstance'
  >;

/**
 * One interval of the run, as the charts need it: counts over `durationMs` ending at `t`
 * (rows are stamped when their interval closes), levels at their peak, latency upper bounds.
 */
export interface SeriesPoint {
  t: number;
  durationMs: number;
  sent: number;
  acked: number;
  received: number;
  duplicates: number;
  backlogLedger: number;
  backlogBroker: number | null;
  /** The ledger's backlog per scope (a group; group/instance in broadcasting). */
  backlogByScope: Record<string, number>;
  /** The broker's lag per lagging queue; null when not sampled in this interval. */
  backlogBrokerByQueue: Record<string, number> | null;
  e2e: { p50: number | null; p90: number | null; p99: number | null };
  sendP99: number | null;
  perInstance: Record<string, number>;
}

/** Columns for uPlot: x in seconds since the run started, rates per second. */
export interface ChartSeries {
  t: number[];
  sentPerS: number[];
  ackedPerS: number[];
  receivedPerS: number[];
  duplicatesPerS: number[];
  duplicatesTotal: number[];
  backlogLedger: number[];
  backlogBroker: (number | null)[];
  /** The ledger's backlog per group (scope), as backlogLedger is for all of them; 0 where a row lacks it. */
  backlogPerGroup: Record<string, number[]>;
  /**
   * The broker's lag per queue (`group topic@broker/queueId`): the MAX_QUEUE_LINES queues with the
   * highest peak; null where not sampled.
   */
  backlogPerQueue: Record<string, (number | null)[]>;
  /** How many queues had a lag at some point (more than backlogPerQueue shows when past MAX_QUEUE_LINES). */
  laggingQueues: number;
  e2eP50: (number | null)[];
  e2eP90: (number | null)[];
  e2eP99: (number | null)[];
  sendP99: (number | null)[];
  /** Receipts per second per consumer instance. */
  perInstancePerS: Record<string, number[]>;
  /** How many rows each point stands for (1 when not downsampled). */
  rowsPerPoint: number;
}

/** Enough points for a chart as wide as a screen; a 10-minute run at 1 s needs no merging. */
export const MAX_CHART_POINTS = 720;

/** More lines than this in one chart cannot be told apart: the queues that lagged most are drawn. */
export const MAX_QUEUE_LINES = 10;

export function toPoints(rows: readonly ChartRow[]): SeriesPoint[] {
  const sorted = [...rows].sort((a, b) => a.t - b.t);
  // The first row's interval is not recorded; assume it was as long as the next one.
  const firstInterval = sorted.length > 1 ? sorted[1]!.t - sorted[0]!.t : 1000;
  return sorted.map((row, i) => ({
    t: row.t,
    durationMs: Math.max(1, i === 0 ? firstInterval : row.t - sorted[i - 1]!.t),
    sent: row.sent,
    acked: row.acked,
    received: row.received,
    duplicates: row.duplicates,
    backlogLedger: row.backlogLedger,
    backlogBroker: row.backlogBroker,
    backlogByScope: { ...row.backlogByScope },
    backlogBrokerByQueue: row.backlogBrokerByQueue ? { ...row.backlogBrokerByQueue } : null,
    e2e: { p50: row.e2e.p50, p90: row.e2e.p90, p99: row.e2e.p99 },
    sendP99: row.send.p99,
    perInstance: { ...row.perInstance },
  }));
}

/**
 * Merges runs of consecutive points so at most `maxPoints` remain. Counts add up (rates stay
 * exact over the longer interval); backlog keeps its peak, so a spike does not vanish; a
 * percentile takes the largest of the merged intervals', an upper bound of the merged
 * interval's true percentile (every part has that share of its values at or below it).
 */
export function downsample(
  points: readonly SeriesPoint[],
  maxPoints = MAX_CHART_POINTS,
): { points: SeriesPoint[]; rowsPerPoint: number } {
  if (points.length <= maxPoints) return { points: [...points], rowsPerPoint: 1 };
  const size = Math.ceil(points.length / maxPoints);
  const merged: SeriesPoint[] = [];
  for (let i = 0; i < points.length; i += size) merged.push(mergePoints(points.slice(i, i + size)));
  return { points: merged, rowsPerPoint: size };
}

function mergePoints(bucket: readonly SeriesPoint[]): SeriesPoint {
  const sum = (pick: (p: SeriesPoint) => number) => bucket.reduce((acc, p) => acc + pick(p), 0);
  const peak = (pick: (p: SeriesPoint) => number | null) => {
    const values = bucket.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : Math.max(...values);
  };
  const backlogByScope: Record<string, number> = {};
  for (const p of bucket)
    for (const [scope, n] of Object.entries(p.backlogByScope))
      backlogByScope[scope] = Math.max(backlogByScope[scope] ?? 0, n);
  const sampled = bucket.filter((p) => p.backlogBrokerByQueue !== null);
  let backlogBrokerByQueue: Record<string, number> | null = null;
  for (const p of sampled) {
    backlogBrokerByQueue ??= {};
    for (const [queue, n] of Object.entries(p.backlogBrokerByQueue ?? {}))
      backlogBrokerByQueue[queue] = Math.max(backlogBrokerByQueue[queue] ?? 0, n);
  }
  const perInstance: Record<string, number> = {};
  for (const p of bucket)
    for (const [instance, n] of Object.entries(p.perInstance)) perInstance[instance] = (perInstance[instance] ?? 0) + n;
  return {
    t: bucket[bucket.length - 1]!.t,
    durationMs: sum((p) => p.durationMs),
    sent: sum((p) => p.sent),
    acked: sum((p) => p.acked),
    received: sum((p) => p.received),
    duplicates: sum((p) => p.duplicates),
    backlogLedger: peak((p) => p.backlogLedger) ?? 0,
    backlogBroker: peak((p) => p.backlogBroker),
    backlogByScope,
    backlogBrokerByQueue,
    e2e: { p50: peak((p) => p.e2e.p50), p90: peak((p) => p.e2e.p90), p99: peak((p) => p.e2e.p99) },
    sendP99: peak((p) => p.sendP99),
    perInstance,
  };
}

export function toChartSeries(rows: readonly ChartRow[], maxPoints = MAX_CHART_POINTS): ChartSeries {
  const { points, rowsPerPoint } = downsample(toPoints(rows), maxPoints);
  const perSecond = (n: number, p: SeriesPoint) => round2((n * 1000) / p.durationMs);
  const instances = [...new Set(points.flatMap((p) => Object.keys(p.perInstance)))].sort(compareNatural);
  const scopes = [...new Set(points.flatMap((p) => Object.keys(p.backlogByScope)))].sort(compareNatural);
  const queuePeaks = new Map<string, number>();
  for (const p of points)
    for (const [queue, n] of Object.entries(p.backlogBrokerByQueue ?? {}))
      queuePeaks.set(queue, Math.max(queuePeaks.get(queue) ?? 0, n));
  const drawnQueues = [...queuePeaks]
    .sort(([a, x], [b, y]) => y - x || compareNatural(a, b))
    .slice(0, MAX_QUEUE_LINES)
    .map(([queue]) => queue)
    .sort(compareNatural);
  let duplicatesSoFar = 0;
  return {
    t: points.map((p) => round2(p.t / 1000)),
    sentPerS: points.map((p) => perSecond(p.sent, p)),
    ackedPerS: points.map((p) => perSecond(p.acked, p)),
    receivedPerS: points.map((p) => perSecond(p.received, p)),
    duplicatesPerS: points.map((p) => perSecond(p.duplicates, p)),
    duplicatesTotal: points.map((p) => (duplicatesSoFar += p.duplicates)),
    backlogLedger: points.map((p) => p.backlogLedger),
    backlogBroker: points.map((p) => p.backlogBroker),
    backlogPerGroup: Object.fromEntries(
      scopes.map((scope) => [scope, points.map((p) => p.backlogByScope[scope] ?? 0)]),
    ),
    backlogPerQueue: Object.fromEntries(
      drawnQueues.map((queue) => [
        queue,
        points.map((p) => (p.backlogBrokerByQueue === null ? null : (p.backlogBrokerByQueue[queue] ?? 0))),
      ]),
    ),
    laggingQueues: queuePeaks.size,
    e2eP50: points.map((p) => p.e2e.p50),
    e2eP90: points.map((p) => p.e2e.p90),
    e2eP99: points.map((p) => p.e2e.p99),
    sendP99: points.map((p) => p.sendP99),
    perInstancePerS: Object.fromEntries(
      instances.map((instance) => [instance, points.map((p) => perSecond(p.perInstance[instance] ?? 0, p))]),
    ),
    rowsPerPoint,
  };
}

/** `billing#2` before `billing#10`. */
export function compareNatural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
