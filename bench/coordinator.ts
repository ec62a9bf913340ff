/**
 * What one coordinator ingests on one core, the figure issue 18's agents are sized by (goal:
 * 2 million receipts/s, one coordinator for 20 agents at 100 000 msg/s). Worker messages as
 * they arrive today, one NDJSON line per report of 500 receipts: JSON.parse alone (the
 * reference: the floor of any line protocol), then with the protocol's validation, then into
 * Measurements (ledger, histograms, ordering, rebalance), then with the message log every run
 * writes. Then the same receipts as agents' compact batches (src/agents/receipt-batch.ts), one
 * line per batch: parsed, validated and decoded; into Measurements; with the message log.
 * And histogram merges: acks reports' send-latency histograms decoded and added.
 *
 * Each stage runs BENCH_COORDINATOR_PASSES times (3), each pass on a fresh Measurements, and
 * prints the median: single passes here swing by half on a busy machine. The loops are
 * synchronous, so a message log's deflate (libuv's threadpool) mostly happens
 * after them: it is timed apart, as the close that finishes the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeReceiptBatch, encodeReceiptBatch, parseReceiptBatch } from '../src/agents/receipt-batch.ts';
import { fromWorker, type ReceiptTuple } from '../src/fleet/protocol.ts';
import { encodeHistogram, newHistogram, recordMs } from '../src/metrics/histogram.ts';
import { EventLog } from '../src/run/event-log.ts';
import { MessageLog } from '../src/run/message-log.ts';
import { Measurements } from '../src/run/measurements.ts';

const N = Number(process.env.BENCH_COORDINATOR_N ?? 1_000_000);
const BATCH = 500;
/** Receipts per agent batch: an agent gathers an instance's receipts over an interval. */
const AGENT_BATCH = Number(process.env.BENCH_COORDINATOR_AGENT_BATCH ?? 4000);
const QUEUES = Array.from({ length: 8 }, (_, q) => `orders@broker-a/${q}`);

/**
 * `BENCH_COORDINATOR_MIX=1`: 20 producers interleaved (two of them ordered, 16 keys), 16 queues,
 * three tags, latencies spread over 1–200 ms, one receipt in 100 answered retry and one in 100
 * a redelivery (a duplicate): more distinct values per batch for the dictionaries, the
 * histograms and the ordering check than the default's single producer at 3 ms.
 */
const MIX = process.env.BENCH_COORDINATOR_MIX === '1';
const PRODUCERS = MIX ? 20 : 1;
const MIX_QUEUES = Array.from({ length: 16 }, (_, q) => `orders@broker-${q % 2 ? 'b' : 'a'}/${q >> 1}`);
const MIX_TAGS = ['', 'TagA', 'TagB'];

/** A repeatable spread of k over 0..n-1. */
const spread = (k: number, n: number) => ((k * 2_654_435_761) >>> 0) % n;

/** Receipt k of the bench: 100 messages born per ms; whole ms, as workers stamp them. */
function receiptAt(k: number): ReceiptTuple {
  const at = START + Math.floor(k / 100);
  if (!MIX) return ['checkout#0', k, at, at + 3, QUEUES[k % 8]!, 0, 'success', ''];
  const redelivery = k % 100 === 99;
  const seq = Math.floor(k / PRODUCERS) - (redelivery ? 3 : 0);
  const outcome = spread(k, 100) === 7 ? 'retry' : 'success';
  return [
    `checkout#${k % PRODUCERS}`,
    seq,
    at,
    at + 1 + spread(k, 200),
    MIX_QUEUES[spread(k, 16)]!,
    redelivery ? 1 : 0,
    outcome,
    MIX_TAGS[k % 3]!,
  ];
}

function receipts(first: number, size: number): ReceiptTuple[] {
  const items: ReceiptTuple[] = [];
  for (let k = first; k < Math.min(N, first + size); k++) items.push(receiptAt(k));
  return items;
}
const START = Date.now();

function receiptLines(): string[] {
  const lines: string[] = [];
  for (let first = 0; first < N; first += BATCH)
    lines.push(
      JSON.stringify({ type: 'receipts', instanceId: 'billing#0', items: receipts(first, BATCH), foreign: 0 }),
    );
  return lines;
}

function batchLines(size: number): string[] {
  const lines: string[] = [];
  for (let first = 0; first < N; first += size)
    lines.push(JSON.stringify(encodeReceiptBatch('billing#0', receipts(first, size), 0)));
  return lines;
}

const bytesPerReceipt = (lines: string[]) => (lines.reduce((sum, line) => sum + line.length + 1, 0) / N).toFixed(1);

/** Passes of each stage (a fresh Measurements each); the median is printed. */
const PASSES = Number(process.env.BENCH_COORDINATOR_PASSES ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Receipts/s of one pass of `work`. */
function pass(work: () => void): number {
  globalThis.gc?.();
  const started = performance.now();
  work();
  return N / ((performance.now() - started) / 1000);
}

function report(label: string, rate: number, reference?: number): number {
  const ratio = reference ? `  ×${(rate / reference).toFixed(2)} of JSON.parse alone` : '';
  console.log(`  ${label.padEnd(52)} ${(rate / 1e6).toFixed(2)} M receipts/s${ratio}`);
  return rate;
}

/** Every log the bench opened, closed before its folder is removed. */
const opened: { close(): Promise<void> }[] = [];

interface Logged {
  log: MessageLog;
}

function measurements(dir: string, withLog: boolean): { m: Measurements; logged?: Logged } {
  const log = withLog ? new MessageLog(join(dir, `messages-${opened.length}.ndjson.gz`)) : undefined;
  const events = new EventLog(join(dir, `events-${opened.length}.ndjson`));
  opened.push(events);
  if (log) opened.push(log);
  const m = new Measurements(events, Date.now(), log);
  for (let p = 0; p < PRODUCERS; p++) m.addProducer(`checkout#${p}`, MIX && p < 2 ? { shardingKeys: 16 } : undefined);
  m.addConsumer({ instanceId: 'billing#0', fleet: 'billing', group: 'billing', model: 'clustering' });
  return log ? { m, logged: { log } } : { m };
}

/** A worker line as the coordinator takes it: parsed, validated, handled. */
const into = (m: Measurements) => (line: string) => m.handle(fromWorker.parse(JSON.parse(line)));
/** An agent's batch line as the coordinator takes it: parsed, validated, decoded and handled. */
const batchInto = (m: Measurements) => (line: string) => m.handleReceiptBatch(parseReceiptBatch(JSON.parse(line)));

/** Closes a stage's log (finishing its deflate); how long that took, ms. */
async function finishLog({ log }: Logged): Promise<number> {
  const started = performance.now();
  await log.close();
  return Math.round(performance.now() - started);
}

const decodeLine = (line: string) => decodeReceiptBatch(parseReceiptBatch(JSON.parse(line)));

export async function benchCoordinator(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-bench-coordinator-'));
  try {
    const lines = receiptLines();
    const batches = batchLines(AGENT_BATCH);
    const small = batchLines(BATCH);
    console.log(
      `coordinator: ${N.toLocaleString('en')} receipts${MIX ? ' (mix)' : ''}, one core, median of ${PASSES} passes; ` +
        `worker reports of ${BATCH} (${bytesPerReceipt(lines)} B a receipt), agent batches of ${AGENT_BATCH} ` +
        `(${bytesPerReceipt(batches)} B) and of ${BATCH} (${bytesPerReceipt(small)} B)`,
    );
    const parse = report(
      'JSON.parse of worker reports (reference)',
      median(
        Array.from({ length: PASSES }, () =>
          pass(() => {
            for (const line of lines) JSON.parse(line);
          }),
        ),
      ),
    );
    type Ingest = { ingest: (line: string) => void; logged?: Logged };
    /** Each stage's Measurements is made when the stage starts, so its log is the one closed after it. */
    const withLog = (feed: (m: Measurements) => (line: string) => void) => (): Ingest => {
      const { m, logged } = measurements(dir, true);
      return logged ? { ingest: feed(m), logged } : { ingest: feed(m) };
    };
    /** [label, lines, a fresh ingest per pass, passes (the old message log: one, its deflate takes long)] */
    const stages: [string, string[], () => Ingest, number?][] = [
      ['+ protocol validation', lines, () => ({ ingest: (line) => fromWorker.parse(JSON.parse(line)) })],
      ['+ validation + Measurements', lines, () => ({ ingest: into(measurements(dir, false).m) })],
      ['+ validation + Measurements + message log (1 pass)', lines, withLog(into), 1],
      [`batches of ${AGENT_BATCH}: parse + validate + decode`, batches, () => ({ ingest: decodeLine })],
      [`batches of ${AGENT_BATCH}: + Measurements`, batches, () => ({ ingest: batchInto(measurements(dir, false).m) })],
      [`batches of ${AGENT_BATCH}: + Measurements + message log`, batches, withLog(batchInto)],
      [`batches of ${BATCH}: parse + validate + decode`, small, () => ({ ingest: decodeLine })],
      [`batches of ${BATCH}: + Measurements + message log`, small, withLog(batchInto)],
    ];
    // The decoder is stateless: warm it up untimed, as JSON.parse and zod come warm from the stages before it.
    for (const line of small.slice(0, 200)) decodeLine(line);
    for (const [label, input, make, passes = PASSES] of stages) {
      const rates: number[] = [];
      const closes: number[] = [];
      for (let p = 0; p < passes; p++) {
        const { ingest, logged } = make();
        rates.push(
          pass(() => {
            for (const line of input) ingest(line);
          }),
        );
        if (logged) closes.push(await finishLog(logged));
      }
      report(label, median(rates), parse);
      if (closes.length > 0)
        console.log(`    then the log's close (the rest of its deflate, another thread): ${Math.max(...closes)} ms`);
    }

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
