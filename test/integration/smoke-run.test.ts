/**
 * End to end on a real cluster: `rmq-chaos run smoke` (shortened) must pass with zero loss,
 * both consumers must share the work, and no process it started may survive it. The same run
 * feeds every `--out` output: the json and csv files, a real Prometheus (Debian's) scraping
 * `--out prometheus` every second, and an OTLP/HTTP receiver in this process for `--out otlp`;
 * each must add up to the summary.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunSummary, SUMMARY_SCHEMA_VERSION } from '../../src/result/run-summary.ts';
import { summarySchemaErrors } from '../../src/result/summary-schema.ts';
import { ensurePrometheus } from '../../src/setup/prometheus.ts';
import { describeError } from '../../src/util/errors.ts';
import { isProcessAlive } from '../../src/util/process-info.ts';
import { BIN } from '../support/cli.ts';

const reports = mkdtempSync(join(tmpdir(), 'rmq-chaos-smoke-'));
const outs = mkdtempSync(join(tmpdir(), 'rmq-chaos-smoke-out-'));
let prometheus: ChildProcess | undefined;
const servers: Server[] = [];
afterAll(async () => {
  prometheus?.kill('SIGKILL');
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(reports, { recursive: true, force: true });
  rmSync(outs, { recursive: true, force: true });
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A port free now (for a process that must be told it before it starts). */
async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  servers.pop();
  await new Promise((r) => probe.close(r));
  return port;
}

/** Debian's Prometheus scraping `target` every second; undefined (said) where it cannot be had. */
async function startPrometheus(target: string): Promise<string | undefined> {
  let bin: string;
  try {
    bin = (await ensurePrometheus((line) => process.stdout.write(`${line}\n`))).bin;
  } catch (error) {
    process.stdout.write(`smoke: skipping the Prometheus scrape of --out prometheus: ${describeError(error)}\n`);
    return undefined;
  }
  const config = join(outs, 'prometheus.yml');
  writeFileSync(
    config,
    'global: {scrape_interval: 1s, scrape_timeout: 1s}\n' +
      `scrape_configs:\n  - job_name: rmq-chaos\n    static_configs: [{targets: ['${target}']}]\n`,
  );
  const web = `127.0.0.1:${await freePort()}`;
  prometheus = spawn(
    bin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(outs, 'tsdb')}`,
      `--web.listen-address=${web}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const deadline = Date.now() + 30_000;
  while ((await fetch(`http://${web}/-/ready`).catch(() => undefined))?.ok !== true) {
    if (Date.now() > deadline) throw new Error(`Prometheus at ${web} not ready after 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return `http://${web}`;
}

/** One value of an instant PromQL query per label set (the label named `by`, '' for none). */
async function promQuery(api: string, query: string, by = ''): Promise<Map<string, number>> {
  const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return new Map(body.data.result.map((r) => [r.metric[by] ?? '', Number(r.value[1])]));
}

interface OtlpMetric {
  name: string;
  sum?: { dataPoints: { asDouble?: number; asInt?: number | string }[] };
}
type OtlpPush = { resourceMetrics: { scopeMetrics: { metrics: OtlpMetric[] }[] }[] };

describe('smoke plan on a real cluster', () => {
  it('passes with zero loss, shares queues between both consumers, and leaves nothing running', async () => {
    const scrapePort = await freePort();
    const promApi = await startPrometheus(`127.0.0.1:${scrapePort}`);
    const pushes: OtlpPush[] = [];
    const otlpPort = await listen(
      createServer(async (req, res) => {
        let body = '';
        for await (const chunk of req) body += chunk;
        pushes.push(JSON.parse(body) as OtlpPush);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }),
    );
    const started = Date.now();
    const child = spawn(
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
        '--out',
        `prometheus=${scrapePort}`,
        '--out',
        `otlp=http://127.0.0.1:${otlpPort}/v1/metrics`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const result = { stdout: '', stderr: '', status: null as number | null };
    child.stdout.on('data', (d: Buffer) => (result.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (result.stderr += d.toString()));
    [result.status] = (await once(child, 'exit')) as [number | null];
    const wallMs = Date.now() - started;
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toContain(`prometheus: scrape http://127.0.0.1:${scrapePort}/metrics while the run goes`);
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

    // --out otlp: the last push (at close) carries the final totals.
    const lastPush = new Map(pushes.at(-1)!.resourceMetrics[0]!.scopeMetrics[0]!.metrics.map((m) => [m.name, m]));
    const otlpTotal = (name: string) =>
      lastPush.get(name)!.sum!.dataPoints.reduce((n, p) => n + Number(p.asDouble ?? p.asInt), 0);
    expect(otlpTotal('rmq_chaos_acked')).toBe(summary.producers.acked);
    expect(otlpTotal('rmq_chaos_received')).toBe(group.receipts);

    // --out prometheus, as a real Prometheus scraped it (the endpoint is gone now: its stored samples).
    if (promApi) {
      const acked = await promQuery(promApi, 'max_over_time(rmq_chaos_acked_total[10m])');
      expect(acked.get('')).toBe(summary.producers.acked);
      const received = await promQuery(
        promApi,
        'max_over_time(rmq_chaos_received_total{group="billing"}[10m])',
        'instance_id',
      );
      expect([...received.keys()].sort()).toEqual(Object.keys(group.perInstance).sort());
      expect([...received.values()].reduce((a, b) => a + b, 0)).toBe(group.receipts);
      // The brokers' view came through too: both consumers held queues, and every queue had a lag series.
      const owners = await promQuery(
        promApi,
        'max_over_time(rmq_chaos_queue_owner{group="billing"}[10m])',
        'instance_id',
      );
      expect(owners.size).toBe(2);
      const lag = await promQuery(promApi, 'last_over_time(rmq_chaos_broker_lag{group="billing"}[10m])', 'queue');
      expect(lag.size).toBeGreaterThan(0);
      expect((await promQuery(promApi, 'max_over_time(rmq_chaos_phase{phase="load"}[10m])')).get('')).toBe(1);
    }
    process.stdout.write(
      `smoke (load 8s) wall time ${(wallMs / 1000).toFixed(1)}s, cluster start ${summary.cluster.startMs} ms\n`,
    );
  }, 240_000);
});
