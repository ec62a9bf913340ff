/**
 * A time-series row as k6-style points: one value of one metric at one time, with tags. The
 * names are the plan's metric names (plan/metric-catalogue.ts), so a point lines up with the
 * threshold that reads it; per-interval latency percentiles carry a `stat` tag (p50, p90, p99,
 * max), since a row keeps percentiles, not every sample.
 */
import type { Percentiles } from '../../metrics/histogram.ts';
import type { TimeSeriesRow } from '../../metrics/time-series-row.ts';

export type PointTags = Readonly<Record<string, string>>;

export interface Point {
  metric: string;
  /** Epoch ms: the end of the row's interval. */
  time: number;
  value: number;
  tags: PointTags;
}

/** What each metric is, as k6 declares it (`counter` per interval, `gauge` a level, `trend` a latency). */
export const POINT_METRICS = {
  sent: 'counter',
  acked: 'counter',
  send_errors: 'counter',
  dropped: 'counter',
  received: 'counter',
  duplicates: 'counter',
  backlog: 'gauge',
  backlog_broker: 'gauge',
  e2e_latency: 'trend',
  send_latency: 'trend',
} as const;
export type PointMetric = keyof typeof POINT_METRICS;

const STATS = ['p50', 'p90', 'p99', 'max'] as const;

export function pointsOf(row: TimeSeriesRow, startedAt: number): Point[] {
  const time = startedAt + row.t;
  const phase = row.phase;
  const points: Point[] = [];
  const add = (metric: PointMetric, value: number, tags: PointTags = {}) =>
    points.push({ metric, time, value, tags: { phase, ...tags } });
  add('sent', row.sent);
  add('acked', row.acked);
  add('send_errors', row.sendErrors);
  add('dropped', row.dropped);
  add('received', row.received);
  for (const [instance, n] of Object.entries(row.perInstance)) add('received', n, { instance });
  for (const [tag, n] of Object.entries(row.receivedByTag)) add('received', n, { tag: tag === '' ? '(no tag)' : tag });
  add('duplicates', row.duplicates);
  add('backlog', row.backlogLedger);
  for (const [scope, n] of Object.entries(row.backlogByScope)) add('backlog', n, { group: scope });
  if (row.backlogBroker !== null) add('backlog_broker', row.backlogBroker);
  const latency = (metric: PointMetric, p: Percentiles) => {
    for (const stat of STATS) {
      const value = p[stat];
      if (value !== null) add(metric, value, { stat });
    }
  };
  latency('e2e_latency', row.e2e);
  latency('send_latency', row.send);
  return points;
}
