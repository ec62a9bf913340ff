/**
 * What one coordinator ingests on one core, the figure issue 18's agents are sized by (goal:
 * 2 million receipts/s, one coordinator for 20 agents at 100 000 msg/s). Worker messages as
 * they arrive today, one NDJSON line per report of 500 receipts: JSON.parse alone (the
 * reference: the floor of any line protocol), then with the protocol's validation, then into
 * Measurements (ledger, histograms, ordering, rebalance), then with the message log every run
 * writes. And histogram merges: acks reports' send-latency histograms decoded and added.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromWorker } from '../src/fleet/protocol.ts';
import { encodeHistogram, newHistogram, recordMs } from '../src/metrics/histogram.ts';
import { EventLog } from '../src/run/event-log.ts';
import { MessageLog } from '../src/run/message-log.ts';
import { Measurements } from '../src/run/measurements.ts';

const N = Number(process.env.BENCH_COORDINATOR_N ?? 1_000_000);
const BATCH = 500;
const QUEUES = Array.from({ length: 8 }, (_, q) => `orders@broker-a/${q}`);

function receiptLines(): string[] {
  const lines: string[] = [];
  const born = Date.now();
  for (let first = 0; first < N; first += BATCH) {
    const items: unknown[] = [];
    for (let seq = first; seq < Math.min(N, first + BATCH); seq++)
      items.push(['checkout#0', seq, born + seq / 100, born + seq / 100 + 3, QUEUES[seq % 8], 0, 'success', '']);
    lines.push(JSON.stringify({ type: 'receipts', instanceId: 'billing#0', items, foreign: 0 }));
  }
  return lines;
}

function timed(label: string, work: () => void, reference?: number): number {
  globalThis.gc?.();
  const started = performance.now();
  work();
  const s = (performance.now() - started) / 1000;
  const rate = N / s;
  const ratio = reference ? `  ×${(rate / reference).toFixed(2)} of JSON.parse alone` : '';
  console.log(`  ${label.padEnd(44)} ${(rate / 1e6).toFixed(2)} M receipts/s${ratio}`);
  return rate;
}

/** Every log the bench opened, closed before its folder is removed. */
const opened: { close(): Promise<void> }[] = [];

function measurements(dir: string, withLog: boolean): { m: Measurements; log?: MessageLog } {
  const log = withLog ? new MessageLog(join(dir, `messages-${opened.length}.ndjson.gz`)) : undefined;
  const events = new EventLog(join(dir, `events-${opened.length}.ndjson`));
  opened.push(events);
  if (log) opened.push(log);
  const m = new Measurements(events, Date.now(), log);
  m.addProducer('checkout#0');
  m.addConsumer({ instanceId: 'billing#0', fleet: 'billing', group: 'billing', model: 'clustering' });
  return log ? { m, log } : { m };
}

/** A worker line as the coordinator takes it: parsed, validated, handled. */
const into = (m: Measurements) => (line: string) => m.handle(fromWorker.parse(JSON.parse(line)));

export async function benchCoordinator(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-bench-coordinator-'));
  try {
    const lines = receiptLines();
    console.log(`coordinator: ${N.toLocaleString('en')} receipts in reports of ${BATCH}, one core`);
    const parse = timed('JSON.parse (reference)', () => {
      for (const line of lines) JSON.parse(line);
    });
    const stages: [string, (line: string) => void][] = [
      ['+ protocol validation', (line) => fromWorker.parse(JSON.parse(line))],
      ['+ validation + Measurements', into(measurements(dir, false).m)],
      ['+ validation + Measurements + message log', into(measurements(dir, true).m)],
    ];
    for (const [label, ingest] of stages)
      timed(
        label,
        () => {
          for (const line of lines) ingest(line);
        },
        parse,
      );

    // Histogram merges: one acks report's send-latency histogram (200 values) decoded and added.
    const h = newHistogram();
    for (let i = 0; i < 200; i++) recordMs(h, 1 + (i % 50));
    const encoded = encodeHistogram(h);
    const merges = 20_000;
    const sink = measurements(dir, false).m;
    const acks = (i: number) => ({
      type: 'acks' as const,
      producerId: 'checkout#0',
      seqs: [i],
      tags: [''],
      queues: [QUEUES[0]!],
      offsets: [i],
      sentAtMs: [Date.now()],
      attempted: i + 1,
      errors: {},
      dropped: 0,
      sendLatency: encoded,
    });
    const started = performance.now();
    for (let i = 0; i < merges; i++) sink.handle(acks(i));
    const perSecond = merges / ((performance.now() - started) / 1000);
    console.log(`  acks reports with a histogram (decode + merge)  ${Math.round(perSecond).toLocaleString('en')}/s`);
  } finally {
    for (const log of opened.splice(0)) await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
