import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { TimeSeriesRow } from '../../../src/metrics/time-series-row.ts';
import { CsvOutput } from '../../../src/report/outputs/csv-output.ts';
import { openOutputs, parseOutputs } from '../../../src/report/outputs/index.ts';
import { JsonOutput } from '../../../src/report/outputs/json-output.ts';
import { pointsOf } from '../../../src/report/outputs/points.ts';
import { EnvironmentError, UsageError } from '../../../src/util/errors.ts';

const CONTEXT = { plan: 'unit', groupOfFleet: {}, warn: () => {} };
const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NO_LATENCY = { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
const row = (over: Partial<TimeSeriesRow> = {}): TimeSeriesRow => ({
  t: 2_000,
  phase: 'load',
  sent: 100,
  acked: 98,
  sendErrors: 2,
  dropped: 0,
  received: 97,
  duplicates: 1,
  backlogLedger: 3,
  backlogByScope: { billing: 3 },
  backlogBroker: 4,
  e2e: { count: 97, p50: 3, p90: 7, p99: 12, p999: 12, max: 14, mean: 4 },
  send: NO_LATENCY,
  perInstance: { 'billing#0': 50, 'billing#1': 47 },
  receivedByTag: { '': 60, 'a,b': 37 },
  ...over,
});

describe('pointsOf', () => {
  it('gives each counter its row value untagged (but for the phase), and the breakdowns tagged', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(10_000), (acked, received, backlog) => {
        const points = pointsOf(row({ acked, received, backlogLedger: backlog }), 1_000_000);
        const plain = (metric: string) =>
          points.filter((p) => p.metric === metric && Object.keys(p.tags).length === 1).map((p) => p.value);
        expect(plain('acked')).toEqual([acked]);
        expect(plain('received')).toEqual([received]);
        expect(plain('backlog')).toEqual([backlog]);
        for (const p of points) expect(p).toMatchObject({ time: 1_002_000, tags: { phase: 'load' } });
      }),
    );
    const points = pointsOf(row(), 0);
    expect(points.filter((p) => p.tags.instance).map((p) => [p.tags.instance, p.value])).toEqual([
      ['billing#0', 50],
      ['billing#1', 47],
    ]);
    expect(points.filter((p) => p.metric === 'e2e_latency').map((p) => [p.tags.stat, p.value])).toEqual([
      ['p50', 3],
      ['p90', 7],
      ['p99', 12],
      ['max', 14],
    ]);
    // No sends acked in the interval: no latency points, rather than zeros.
    expect(points.some((p) => p.metric === 'send_latency')).toBe(false);
    expect(pointsOf(row({ backlogBroker: null }), 0).some((p) => p.metric === 'backlog_broker')).toBe(false);
  });
});

describe('--out json and csv', () => {
  it('write k6-style points: a Metric line once per metric, then Points; CSV quoted by the library', async () => {
    const json = new JsonOutput(join(dir, 'nested', 'points.ndjson'));
    const csv = new CsvOutput(join(dir, 'points.csv'));
    await openOutputs([json, csv]);
    for (const o of [json, csv]) {
      o.row(row(), 1_765_000_000_000);
      o.row(row({ t: 3_000 }), 1_765_000_000_000);
      await o.close();
      await o.close();
    }
    const lines = readFileSync(join(dir, 'nested', 'points.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; metric: string; data: { time?: string; value?: number } });
    const metrics = lines.filter((l) => l.type === 'Metric').map((l) => l.metric);
    expect(metrics).toEqual([...new Set(metrics)]);
    expect(lines.find((l) => l.type === 'Metric' && l.metric === 'e2e_latency')?.data).toEqual({
      name: 'e2e_latency',
      type: 'trend',
    });
    const points = lines.filter((l) => l.type === 'Point');
    expect(points.length).toBe(2 * pointsOf(row(), 0).length);
    expect(points[0]!.data.time).toBe(new Date(1_765_000_002_000).toISOString());
    const text = readFileSync(join(dir, 'points.csv'), 'utf8').trim().split('\n');
    expect(text[0]).toBe('metric_name,timestamp,metric_value,phase,group,instance,tag,stat');
    expect(text.length).toBe(1 + points.length);
    expect(text).toContain('received,1765000002.000,37,load,,,"a,b",');
  });

  it('refuses an unknown output or one without a file (exit 2), an unwritable file before the run (1)', async () => {
    expect(() => parseOutputs(['statsd=8125'], CONTEXT)).toThrow(UsageError);
    expect(() => parseOutputs(['statsd=8125'], CONTEXT)).toThrow(
      /unknown output "statsd" \(outputs: json, csv, prometheus, otlp\)/,
    );
    expect(() => parseOutputs(['json'], CONTEXT)).toThrow(/json needs a target: --out json=<file>/);
    const ok = new JsonOutput(join(dir, 'first.ndjson'));
    // A folder that is a file (not /proc: Node's recursive mkdir loops there).
    writeFileSync(join(dir, 'a-file'), '');
    const bad = parseOutputs([`csv=${join(dir, 'a-file', 'points.csv')}`], CONTEXT);
    const failure = await openOutputs([ok, ...bad]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EnvironmentError);
    expect((failure as Error).message).toMatch(
      /--out csv=.*a-file\/points\.csv: cannot write .* \((?:EEXIST|ENOTDIR):/,
    );
  });
});
