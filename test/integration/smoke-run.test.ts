/**
 * End to end on a real cluster: `rmq-chaos run smoke` (shortened) must pass with zero loss,
 * both consumers must share the work, and no process it started may survive it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunSummary, SUMMARY_SCHEMA_VERSION } from '../../src/result/run-summary.ts';
import { summarySchemaErrors } from '../../src/result/summary-schema.ts';
import { isProcessAlive } from '../../src/util/process-info.ts';
import { BIN } from '../support/cli.ts';

const reports = mkdtempSync(join(tmpdir(), 'rmq-chaos-smoke-'));
const outs = mkdtempSync(join(tmpdir(), 'rmq-chaos-smoke-out-'));
afterAll(() => {
  rmSync(reports, { recursive: true, force: true });
  rmSync(outs, { recursive: true, force: true });
});

describe('smoke plan on a real cluster', () => {
  it('passes with zero loss, shares queues between both consumers, and leaves nothing running', () => {
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        'smoke',
        '--set',
        'phases.load=8s',
        '--set',
        'phases.warmup=3s',
        '--reports',
        reports,
        '--out',
        `json=${join(outs, 'points.ndjson')}`,
        '--out',
        `csv=${join(outs, 'points.csv')}`,
      ],
      {
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    const wallMs = Date.now() - started;
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/plan smoke: PASS/);
    expect(result.stdout).toMatch(/report: .*summary\.json/);

    const [runDir] = readdirSync(reports);
    const summary = JSON.parse(readFileSync(join(reports, runDir!, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.schemaVersion).toBe(SUMMARY_SCHEMA_VERSION);
    expect(summarySchemaErrors(summary)).toEqual([]);
    expect(summary.verdict).toBe('pass');
    // 100/s for 8 s: the constant-arrival-rate producer schedules 800 sends.
    expect(summary.producers.attempted).toBeGreaterThanOrEqual(790);
    expect(summary.producers.acked).toBe(summary.producers.attempted);
    const group = summary.groups.find((g) => g.scope === 'billing')!;
    expect(group.lost).toBe(0);
    expect(group.unexpected).toBe(0);
    expect(group.unique).toBe(summary.producers.acked);
    const perInstance = Object.values(group.perInstance);
    expect(perInstance).toHaveLength(2);
    for (const count of perInstance) expect(count).toBeGreaterThan(0);
    expect(summary.totals.drained).toBe(true);
    expect(summary.latency.e2e.count).toBe(group.receipts);
    expect(summary.latency.send.count).toBe(summary.producers.acked);
    // Both views of backlog agree after the drain (the broker's in the last sample, taken after
    // the consumers committed their offsets on close).
    expect(summary.backlog).toMatchObject({ finalLedger: 0, finalBroker: 0, brokerErrors: [] });
    expect(summary.timeseries.length).toBeGreaterThan(8);
    expect(summary.rebalance.events.map((e) => e.kind)).toEqual(['join', 'join']);
    for (const e of summary.rebalance.events) expect(e.assignmentLatencyMs).not.toBeNull();

    // Every pid the run recorded (cluster nodes and fleet workers) is gone.
    const events = readFileSync(join(reports, runDir!, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; pid?: number; nodes?: { pid: number }[] });
    const pids = [
      ...events.filter((e) => e.type === 'cluster-ready').flatMap((e) => e.nodes!.map((n) => n.pid)),
      ...events.filter((e) => e.type === 'worker-start').map((e) => e.pid!),
    ];
    expect(pids.length).toBe(1 + 1 + 1 + 2);
    for (const pid of pids) expect(isProcessAlive(pid), `pid ${pid} still alive`).toBe(false);

    // --out: every row went to both outputs as it closed; their counters add up to the summary.
    const points = readFileSync(join(outs, 'points.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; metric: string; data: { value: number; tags?: object } });
    const total = (metric: string) =>
      points
        .filter((p) => p.type === 'Point' && p.metric === metric && Object.keys(p.data.tags ?? {}).length === 1)
        .reduce((n, p) => n + p.data.value, 0);
    expect(total('acked')).toBe(summary.producers.acked);
    expect(total('received')).toBe(group.receipts);
    expect(points.filter((p) => p.type === 'Metric').map((p) => p.metric)).toContain('e2e_latency');
    const csv = readFileSync(join(outs, 'points.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('metric_name,timestamp,metric_value,phase,group,instance,tag,stat');
    expect(csv.length - 1).toBe(points.filter((p) => p.type === 'Point').length);
    process.stdout.write(
      `smoke (load 8s) wall time ${(wallMs / 1000).toFixed(1)}s, cluster start ${summary.cluster.startMs} ms\n`,
    );
  }, 240_000);
});
