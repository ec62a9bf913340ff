import { describe, expect, it } from 'vitest';
import {
  downsample,
  MAX_CHART_POINTS,
  toChartSeries,
  toPoints,
  type ChartRow,
} from '../../../src/report/html/series.ts';

const none = { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
function row(t: number, fields: Partial<ChartRow> = {}): ChartRow {
  return {
    t,
    sent: 10,
    acked: 10,
    received: 10,
    duplicates: 0,
    backlogLedger: 0,
    backlogBroker: 0,
    e2e: none,
    send: none,
    perInstance: { 'c#0': 10 },
    ...fields,
  };
}
const lat = (p50: number, p90: number, p99: number) => ({ ...none, count: 1, p50, p90, p99 });

describe('chart series', () => {
  it('an interval runs from the previous row to this one; the first is as long as the second', () => {
    const points = toPoints([row(2500), row(1000), row(2000)]);
    expect(points.map((p) => [p.t, p.durationMs])).toEqual([
      [1000, 1000],
      [2000, 1000],
      [2500, 500],
    ]);
  });

  it('does not merge when there are few enough points', () => {
    const points = toPoints([row(1000), row(2000), row(3000)]);
    expect(downsample(points, 3)).toEqual({ points, rowsPerPoint: 1 });
  });

  it('merges: counts add up, backlog keeps its peak, percentiles their largest value, time is the last row', () => {
    const points = toPoints([
      row(1000, {
        acked: 5,
        duplicates: 1,
        backlogLedger: 7,
        backlogBroker: null,
        e2e: lat(1, 2, 3),
        perInstance: { 'c#0': 5 },
      }),
      row(2000, {
        acked: 7,
        duplicates: 2,
        backlogLedger: 3,
        backlogBroker: 4,
        e2e: lat(2, 9, 40),
        perInstance: { 'c#1': 7 },
      }),
      row(3000, { acked: 1, backlogLedger: 0, backlogBroker: null }),
    ]);
    const { points: merged, rowsPerPoint } = downsample(points, 2);
    expect(rowsPerPoint).toBe(2);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({
      t: 2000,
      durationMs: 2000,
      acked: 12,
      duplicates: 3,
      backlogLedger: 7,
      backlogBroker: 4,
      e2e: { p50: 2, p90: 9, p99: 40 },
      perInstance: { 'c#0': 5, 'c#1': 7 },
    });
    expect(merged[1]).toMatchObject({ t: 3000, durationMs: 1000, acked: 1, backlogBroker: null, e2e: { p50: null } });
  });

  it('rates stay exact over merged intervals, and the running duplicate total is kept', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row((i + 1) * 500, { acked: 50, duplicates: i === 3 ? 4 : 0 }));
    const series = toChartSeries(rows, 5);
    expect(series.rowsPerPoint).toBe(2);
    expect(series.t).toEqual([1, 2, 3, 4, 5]);
    expect(series.ackedPerS).toEqual([100, 100, 100, 100, 100]);
    expect(series.duplicatesTotal).toEqual([0, 4, 4, 4, 4]);
    expect(series.perInstancePerS).toEqual({ 'c#0': [20, 20, 20, 20, 20] });
  });

  it('a 10-minute run at 1 s keeps every row; at 100 ms it is merged to at most MAX_CHART_POINTS', () => {
    const everySecond = Array.from({ length: 600 }, (_, i) => row((i + 1) * 1000));
    expect(toChartSeries(everySecond).t).toHaveLength(600);
    const fine = Array.from({ length: 6000 }, (_, i) => row((i + 1) * 100));
    const series = toChartSeries(fine);
    expect(series.t.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(series.ackedPerS.every((r) => r === 100)).toBe(true);
  });

  it('orders instances naturally', () => {
    const series = toChartSeries([row(1000, { perInstance: { 'c#10': 1, 'c#2': 1, 'c#1': 1 } })]);
    expect(Object.keys(series.perInstancePerS)).toEqual(['c#1', 'c#2', 'c#10']);
  });

  it('backlog per group: a column per group, its peak when merged, 0 where a row lacks the group', () => {
    const series = toChartSeries(
      [
        row(1000, { backlogByScope: { billing: 3, audit: 1 } }),
        row(2000, { backlogByScope: { billing: 9, audit: 0 } }),
        row(3000, { backlogByScope: { billing: 2 } }),
        row(4000),
      ],
      2,
    );
    expect(series.backlogPerGroup).toEqual({ audit: [1, 0], billing: [9, 2] });
  });

  it('broker backlog per queue: null where not sampled, 0 where sampled without a lag, the top queues by peak', () => {
    const byQueue = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`g t@b/${i}`, i + 1]));
    const series = toChartSeries([
      row(1000, { backlogBrokerByQueue: { 'g t@b/1': 4 } }),
      row(2000),
      row(3000, { backlogBrokerByQueue: {} }),
      row(4000, { backlogBrokerByQueue: byQueue(12) }),
    ]);
    expect(series.laggingQueues).toBe(12);
    // Peaks 12 (b/11) down to 4 (b/3), and b/1's 4 from its first sample: b/2 (3) and b/0 (1) are not drawn.
    expect(Object.keys(series.backlogPerQueue)).toEqual([
      'g t@b/1',
      'g t@b/3',
      'g t@b/4',
      'g t@b/5',
      'g t@b/6',
      'g t@b/7',
      'g t@b/8',
      'g t@b/9',
      'g t@b/10',
      'g t@b/11',
    ]);
    expect(series.backlogPerQueue['g t@b/1']).toEqual([4, null, 0, 2]);
    // Merged: the peak of the sampled intervals; null only when none of them was sampled.
    const merged = toChartSeries(
      [
        row(1000),
        row(2000),
        row(3000, { backlogBrokerByQueue: { 'g t@b/0': 2 } }),
        row(4000, { backlogBrokerByQueue: { 'g t@b/0': 7 } }),
      ],
      2,
    );
    expect(merged.backlogPerQueue).toEqual({ 'g t@b/0': [null, 7] });
  });
});
