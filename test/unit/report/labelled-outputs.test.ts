/**
 * The labelled outputs (`--out prometheus`, `--out otlp`): RunMetrics' series from rows, events
 * and snapshots; the /metrics endpoint as prom-client writes it (scraped here with fetch; a real
 * Prometheus scrapes it in the smoke run's integration test); the OTLP pushes as an OTLP/HTTP
 * receiver gets them; and their bad input.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimeSeriesRow } from '../../../src/metrics/time-series-row.ts';
import type { ClusterSnapshot } from '../../../src/observe/snapshot.ts';
import { openOutputs, parseOutputs } from '../../../src/report/outputs/index.ts';
import { OtlpOutput, parseOtlpUrl } from '../../../src/report/outputs/otlp-output.ts';
import { parseListenAddress, PrometheusOutput } from '../../../src/report/outputs/prometheus-output.ts';
import { RUN_METRICS, RunMetrics } from '../../../src/report/outputs/run-metrics.ts';
import { EnvironmentError, UsageError } from '../../../src/util/errors.ts';

const NO_LATENCY = { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
const row = (over: Partial<TimeSeriesRow> = {}): TimeSeriesRow => ({
  t: 1_000,
  phase: 'load',
  sent: 10,
  acked: 9,
  sendErrors: 1,
  dropped: 0,
  received: 8,
  duplicates: 1,
  backlogLedger: 2,
  backlogByScope: { billing: 2, 'audit/audit#1': 5 },
  backlogBroker: 2,
  e2e: { count: 8, p50: 4, p90: 8, p99: 20, p999: 20, max: 25, mean: 5 },
  send: NO_LATENCY,
  perInstance: { 'billing#0': 5, 'billing#1': 3 },
  receivedByTag: { '': 3, TagA: 5 },
  ...over,
});

const snapshot: ClusterSnapshot = {
  at: 5_000,
  brokers: [{ name: 'broker-a', addr: '127.0.0.1:10911' }],
  errors: [],
  groups: [
    {
      group: 'billing',
      brokers: [
        { broker: 'broker-a', addr: '127.0.0.1:10911', clientIds: ['1.2.3.4@billing#0'], subscriptions: [] },
        { broker: 'broker-b', addr: '127.0.0.1:10921', clientIds: [], subscriptions: [] },
      ],
      clients: [
        {
          clientId: '1.2.3.4@billing#0',
          addr: '1.2.3.4:1',
          language: 'JAVA',
          version: 1,
          brokers: ['broker-a'],
          queues: [{ topic: 'Orders', broker: 'broker-a', queueId: 1 }],
        },
      ],
      queues: [
        { topic: 'Orders', broker: 'broker-a', queueId: 1, brokerOffset: 50, consumerOffset: 42, lastTimestamp: 0 },
        // Nothing committed: lag counts from where the run started.
        {
          topic: 'Orders',
          broker: 'broker-b',
          queueId: 0,
          brokerOffset: 30,
          consumerOffset: -1,
          lastTimestamp: 0,
          startOffset: 10,
        },
      ],
      topicQueues: {},
    },
  ],
};

const GROUPS = { billing: 'billing', audit: 'audit-group' };
const value = (m: RunMetrics, name: Parameters<RunMetrics['read']>[0], labels: Record<string, string>) =>
  m.read(name).find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))?.value;

describe('RunMetrics', () => {
  it('counters are the sums of the rows, whatever their values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sent: fc.nat(1000), acked: fc.nat(1000), a: fc.nat(50), b: fc.nat(50) })),
        (rows) => {
          const m = new RunMetrics(GROUPS);
          for (const r of rows)
            m.row(row({ sent: r.sent, acked: r.acked, perInstance: { 'billing#0': r.a, 'billing#1': r.b } }));
          const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
          expect(value(m, 'rmq_chaos_sent', {})).toBe(rows.length === 0 ? undefined : sum((r) => r.sent));
          expect(value(m, 'rmq_chaos_acked', {})).toBe(rows.length === 0 ? undefined : sum((r) => r.acked));
          if (rows.length > 0)
            expect(
              value(m, 'rmq_chaos_received', { group: 'billing', fleet: 'billing', instance_id: 'billing#1' }),
            ).toBe(sum((r) => r.b));
        },
      ),
    );
  });

  it('labels backlog by group (and instance for broadcasting), latency in seconds, tags by name', () => {
    const m = new RunMetrics(GROUPS);
    m.row(row());
    m.row(row({ backlogByScope: { billing: 7, 'audit/audit#1': 0 } }));
    expect(value(m, 'rmq_chaos_backlog', { group: 'billing', instance_id: '' })).toBe(7);
    expect(value(m, 'rmq_chaos_backlog', { group: 'audit', instance_id: 'audit#1' })).toBe(0);
    expect(value(m, 'rmq_chaos_e2e_latency_seconds', { stat: 'p99' })).toBe(0.02);
    expect(m.read('rmq_chaos_send_latency_seconds')).toEqual([]);
    expect(value(m, 'rmq_chaos_received_by_tag', { tag: '(no tag)' })).toBe(6);
  });

  it('tracks the phase, faults in effect (overlapping occurrences counted) and the snapshot view', () => {
    const m = new RunMetrics(GROUPS);
    const fault = { fault: 'flap', action: 'network.down', target: 'consumers->broker-a' };
    m.event({ at: 1, type: 'phase', phase: 'warmup' });
    m.event({ at: 2, type: 'phase', phase: 'load' });
    m.event({ at: 3, type: 'fault-begin', ...fault, occurrence: 0 });
    m.event({ at: 4, type: 'fault-begin', ...fault, occurrence: 1 });
    m.event({ at: 5, type: 'fault-end', ...fault, occurrence: 0 });
    expect(value(m, 'rmq_chaos_phase', { phase: 'warmup' })).toBe(0);
    expect(value(m, 'rmq_chaos_phase', { phase: 'load' })).toBe(1);
    expect(value(m, 'rmq_chaos_fault_active', fault)).toBe(1);
    m.event({ at: 6, type: 'fault-end', ...fault, occurrence: 1 });
    expect(value(m, 'rmq_chaos_fault_active', fault)).toBe(0);

    m.snapshot(snapshot);
    const q1 = { group: 'billing', broker: 'broker-a', topic: 'Orders', queue: '1' };
    expect(value(m, 'rmq_chaos_broker_lag', q1)).toBe(8);
    expect(value(m, 'rmq_chaos_broker_lag', { ...q1, broker: 'broker-b', queue: '0' })).toBe(20);
    expect(value(m, 'rmq_chaos_broker_consumers', { group: 'billing', broker: 'broker-b' })).toBe(0);
    const owner = { ...q1, fleet: 'billing', instance_id: 'billing#0' };
    expect(value(m, 'rmq_chaos_queue_owner', owner)).toBe(1);
    // The queue handed away: its old owner reads 0, not a stale 1.
    m.snapshot({ ...snapshot, groups: [{ ...snapshot.groups[0]!, clients: [] }] });
    expect(value(m, 'rmq_chaos_queue_owner', owner)).toBe(0);
  });

  it("a pop group's broker lag is kept, but no broker-consumer count (its clients register with the proxy)", () => {
    const m = new RunMetrics(GROUPS);
    const group = snapshot.groups[0]!;
    m.snapshot({ ...snapshot, groups: [{ ...group, group: 'pop', pop: { proxies: [] }, clients: [] }] });
    const q1 = { group: 'pop', broker: 'broker-a', topic: 'Orders', queue: '1' };
    expect(value(m, 'rmq_chaos_broker_lag', q1)).toBe(8);
    expect(m.read('rmq_chaos_broker_consumers')).toEqual([]);
  });
});

const servers: Server[] = [];
const outputs: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listening(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('--out prometheus', () => {
  it('serves every metric on /metrics in the exposition format, counters as _total', async () => {
    const output = new PrometheusOutput({ host: '127.0.0.1', port: 0 }, GROUPS);
    outputs.push(output);
    expect(await output.open()).toMatch(/^prometheus: scrape http:\/\/127\.0\.0\.1:\d+\/metrics while the run goes$/);
    output.row(row());
    output.row(row());
    output.event({ at: 1, type: 'fault-begin', fault: 'flap', action: 'network.down', target: 'consumers->broker-a' });
    output.snapshot(snapshot);
    const response = await fetch(output.url);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('# TYPE rmq_chaos_acked_total counter');
    expect(text).toContain('rmq_chaos_acked_total 18');
    expect(text).toContain('rmq_chaos_received_total{group="billing",fleet="billing",instance_id="billing#0"} 10');
    expect(text).toContain('rmq_chaos_broker_lag{group="billing",broker="broker-a",topic="Orders",queue="1"} 8');
    expect(text).toContain('rmq_chaos_fault_active{fault="flap",action="network.down",target="consumers->broker-a"} 1');
    expect(text).toContain('rmq_chaos_e2e_latency_seconds{stat="max"} 0.025');
    for (const m of RUN_METRICS) expect(text).toContain(`# HELP ${m.name}${m.kind === 'counter' ? '_total' : ''} `);
    expect((await fetch(output.url.replace('/metrics', '/'))).status).toBe(404);
  });

  it('refuses a port in use before the run (exit 1) and a malformed address (exit 2)', async () => {
    const port = await listening(createServer());
    const [output] = parseOutputs([`prometheus=${port}`], { plan: 'p', groupOfFleet: {}, warn: () => {} });
    const failure = await openOutputs([output!]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EnvironmentError);
    expect((failure as Error).message).toBe(
      `--out prometheus=127.0.0.1:${port}: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`,
    );
    for (const bad of ['http://x', '70000', 'host:', ':9'])
      expect(() => parseListenAddress(bad, 'prometheus')).toThrow(UsageError);
    expect(parseListenAddress('0.0.0.0:9464', 'prometheus')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListenAddress('[::1]:9464', 'prometheus')).toEqual({ host: '::1', port: 9464 });
  });

  it('on close, waits for one scrape after the last update (the final values are seen), frees the port', async () => {
    const output = new PrometheusOutput({ host: '127.0.0.1', port: 0 }, GROUPS);
    await output.open();
    output.row(row());
    await (await fetch(output.url)).text();
    output.row(row({ acked: 1000 }));
    let closed = false;
    const closing = output.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);
    const last = await (await fetch(output.url)).text();
    expect(last).toContain('rmq_chaos_acked_total 1009');
    await closing;
    await expect(fetch(output.url)).rejects.toThrow();
  });

  it('a run nobody scrapes closes at once', async () => {
    const output = new PrometheusOutput({ host: '127.0.0.1', port: 0 }, GROUPS);
    await output.open();
    output.row(row());
    const started = Date.now();
    await output.close();
    await output.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

interface OtlpPush {
  resourceMetrics: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeMetrics: {
      metrics: {
        name: string;
        unit: string;
        sum?: { isMonotonic: boolean; dataPoints: OtlpPoint[] };
        gauge?: { dataPoints: OtlpPoint[] };
      }[];
    }[];
  }[];
}
interface OtlpPoint {
  asDouble?: number;
  asInt?: number | string;
  attributes: { key: string; value: { stringValue?: string } }[];
}

/** An OTLP/HTTP receiver: what a Collector's otlphttp receiver gets, as JSON. */
async function receiver(): Promise<{ url: string; pushes: OtlpPush[] }> {
  const pushes: OtlpPush[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.url === '/v1/metrics' && req.headers['content-type'] === 'application/json')
      pushes.push(JSON.parse(body) as OtlpPush);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const port = await listening(server);
  return { url: `http://127.0.0.1:${port}/v1/metrics`, pushes };
}

const pointValue = (p: OtlpPoint) => Number(p.asDouble ?? p.asInt);

describe('--out otlp', () => {
  it('pushes the same metrics with the same labels; closing pushes the final values', async () => {
    const { url, pushes } = await receiver();
    const output = new OtlpOutput(parseOtlpUrl(url), { plan: 'smoke', groupOfFleet: GROUPS, warn: () => {} });
    expect(await output.open()).toBe(`otlp: pushing to ${url} every 1 s`);
    output.row(row());
    output.row(row({ acked: 100 }));
    output.event({ at: 1, type: 'phase', phase: 'load' });
    await output.close();
    const last = pushes.at(-1)!.resourceMetrics[0]!;
    expect(last.resource.attributes).toContainEqual({ key: 'rmq_chaos.plan', value: { stringValue: 'smoke' } });
    const metrics = new Map(last.scopeMetrics[0]!.metrics.map((m) => [m.name, m]));
    const acked = metrics.get('rmq_chaos_acked')!;
    expect(acked.sum?.isMonotonic).toBe(true);
    expect(pointValue(acked.sum!.dataPoints[0]!)).toBe(109);
    const received = metrics.get('rmq_chaos_received')!.sum!.dataPoints;
    const billing1 = received.find((p) =>
      p.attributes.some((a) => a.key === 'instance_id' && a.value.stringValue === 'billing#1'),
    );
    expect(pointValue(billing1!)).toBe(6);
    expect(billing1!.attributes).toContainEqual({ key: 'group', value: { stringValue: 'billing' } });
    expect(metrics.get('rmq_chaos_e2e_latency_seconds')?.unit).toBe('s');
    expect(metrics.get('rmq_chaos_phase')?.gauge?.dataPoints.map(pointValue)).toEqual([1]);
  });

  it('a collector that refuses: said once, counted at the end, and the run goes on', async () => {
    const port = await listening(createServer());
    const closed = servers.pop()!;
    closed.closeAllConnections();
    await new Promise((r) => closed.close(r));
    const warnings: string[] = [];
    const output = new OtlpOutput(parseOtlpUrl(`http://127.0.0.1:${port}/v1/metrics`), {
      plan: 'p',
      groupOfFleet: {},
      warn: (line) => warnings.push(line),
    });
    await output.open();
    output.row(row());
    await output.close();
    expect(warnings[0]).toMatch(
      /^otlp: a push to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics failed \(.*\); the run goes on/,
    );
    expect(warnings.at(-1)).toMatch(/^otlp: 1 of 1 pushes to .* failed$/);
    for (const bad of ['127.0.0.1:4318', 'ftp://x/v1/metrics', ''])
      expect(() => parseOtlpUrl(bad)).toThrow(/expected the http\(s\) URL of an OTLP metrics endpoint/);
  });
});
