import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeReceiptBatch,
  parseReceiptBatch,
  type ReceiptBatch,
  ReceiptBatchError,
} from '../../../src/agents/receipt-batch.ts';
import { ReceiptBatcher } from '../../../src/agents/receipt-batcher.ts';
import type { ReceiptTuple } from '../../../src/fleet/protocol.ts';
import { encodeHistogram, newHistogram } from '../../../src/metrics/histogram.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { type ConsumerInstanceInfo, Measurements } from '../../../src/run/measurements.ts';
import { type DeliveriesRecord, deliveriesIn, type MessageRecord, MessageLog } from '../../../src/run/message-log.ts';

/**
 * An agent's receipt batch must leave the coordinator's view exactly as the same receipts in a
 * `receipts` message do: ledger, breakdowns, ordering, histograms, time series row, duplicate
 * attribution, rebalance and failover bookkeeping, events and the message log.
 */
const EPOCH = 1_765_000_000_000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const CONSUMERS: ConsumerInstanceInfo[] = [
  { instanceId: 'c#0', fleet: 'billing', group: 'billing', model: 'clustering' },
  { instanceId: 'c#1', fleet: 'billing', group: 'billing', model: 'clustering' },
  { instanceId: 'b#0', fleet: 'audit', group: 'audit', model: 'broadcasting' },
  { instanceId: 'b#1', fleet: 'audit', group: 'audit', model: 'broadcasting' },
];
const QUEUES = ['orders@broker-a/0', 'orders@broker-a/1', 'orders@broker-b/0'];
const TAGS = ['', 'TagA', 'TagB'];
/** p#0 is ordered, p#1 not, x#9 never registered (its receipts are unexpected). */
const PRODUCERS = ['p#0', 'p#1', 'x#9'];

interface Report {
  instanceId: string;
  items: ReceiptTuple[];
  foreign: number;
  /** Queues the instance reports holding just before (an assignment message), if any. */
  holds: string[] | undefined;
  /** A time series row is closed right after (histograms read between batches). */
  sampleAfter?: boolean;
}

interface Scenario {
  acks: { producerId: string; seq: number; tag: string; queue: string; sentAt: number }[];
  reports: Report[];
  windows: { from: number; length: number }[];
  faults: number[];
}

// Few distinct times as well as many: ties in delivery time are where arrival order decides.
const time = fc.oneof(
  fc.integer({ min: 0, max: 10 }),
  fc.integer({ min: 0, max: 20_000 }),
  fc.double({ min: 0, max: 20_000, noNaN: true }),
);
const receipt: fc.Arbitrary<ReceiptTuple> = fc
  .tuple(
    fc.constantFrom(...PRODUCERS),
    fc.integer({ min: 0, max: 15 }),
    time,
    fc.oneof(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: -5, max: 400 }),
      fc.integer({ min: 60_000, max: 4_000_000 }),
    ),
    fc.constantFrom(...QUEUES),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('success' as const, 'retry' as const),
    fc.constantFrom(...TAGS),
  )
  .map(([p, seq, born, e2e, queue, reconsume, outcome, tag]) => [
    p,
    seq,
    EPOCH + born,
    EPOCH + born + e2e,
    queue,
    reconsume,
    outcome,
    tag,
  ]);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  acks: fc.array(
    fc.record({
      producerId: fc.constantFrom('p#0', 'p#1'),
      seq: fc.integer({ min: 0, max: 15 }),
      tag: fc.constantFrom(...TAGS),
      queue: fc.constantFrom(...QUEUES),
      sentAt: fc.integer({ min: 0, max: 20_000 }),
    }),
    { maxLength: 40 },
  ),
  reports: fc.array(
    fc.record({
      instanceId: fc.constantFrom(...CONSUMERS.map((c) => c.instanceId)),
      items: fc.array(receipt, { maxLength: 25 }),
      foreign: fc.constantFrom(0, 0, 2),
      holds: fc.option(fc.subarray(QUEUES), { nil: undefined }),
      sampleAfter: fc.boolean(),
    }),
    { maxLength: 12 },
  ),
  windows: fc.array(
    fc.record({ from: fc.integer({ min: 0, max: 20_000 }), length: fc.integer({ min: 0, max: 3000 }) }),
    { maxLength: 3 },
  ),
  faults: fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 3 }),
});

interface Side {
  m: Measurements;
  events: EventLog;
  log: MessageLog;
  logFile: string;
}

function side(s: Scenario): Side {
  const dir = mkdtempSync(join(tmpdir(), 'receipt-batch-'));
  dirs.push(dir);
  const events = new EventLog(join(dir, 'events.ndjson'));
  const logFile = join(dir, 'messages.ndjson.gz');
  const log = new MessageLog(logFile);
  const m = new Measurements(events, EPOCH, log);
  m.addProducer('p#0', { shardingKeys: 3 });
  m.addProducer('p#1');
  // billing dead-letters: poison messages and last failures go through both paths too.
  const deadLetter = { poison: 0.3, maxReconsumeTimes: 2, seed: 3 };
  for (const c of CONSUMERS) m.addConsumer(c, undefined, c.group === 'billing' ? deadLetter : undefined);
  m.rebalance.addGroup('billing', QUEUES);
  m.rebalance.membership('billing', 'join', 'c#0', EPOCH);
  m.rebalance.membership('billing', 'join', 'c#1', EPOCH + 5_000);
  // Every queue backlogged, so each event waits for deliveries on them (resume latency).
  m.brokerSample({
    at: EPOCH + 5_001,
    byGroup: { billing: QUEUES.length },
    byQueue: { billing: Object.fromEntries(QUEUES.map((q) => [q, 1])) },
    errors: [],
  });
  for (const w of s.windows) m.attribution.open(`w@${w.from}`, EPOCH + w.from, 'fault').to = EPOCH + w.from + w.length;
  s.faults.forEach((at, i) =>
    m.failover.faultBegan({
      fault: `f${i}`,
      target: 'broker-a',
      node: 'a',
      brokerName: 'broker-a',
      beganAt: EPOCH + at,
    }),
  );
  for (const a of s.acks)
    m.handle({
      type: 'acks',
      producerId: a.producerId,
      seqs: [a.seq],
      tags: [a.tag],
      queues: [a.queue],
      offsets: [a.seq],
      sentAtMs: [EPOCH + a.sentAt],
      attempted: a.seq + 1,
      errors: {},
      dropped: 0,
      sendLatency: encodeHistogram(newHistogram()),
    });
  return { m, events, log, logFile };
}

/** Every record of a message log, each batch record expanded into its deliveries. */
function records(file: string): MessageRecord[] {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .flatMap((line) => {
      const record = JSON.parse(line) as MessageRecord;
      return record[0] === 'deliveries' ? deliveriesIn(record as DeliveriesRecord) : [record];
    });
}

/** What a run's result is built from, as JSON (key order included). */
async function view(side: Side): Promise<unknown> {
  const { m } = side;
  const scopes = m.scopes();
  const accounting = m.accountLoss(EPOCH + 30_000, (at) => (at < EPOCH + 10_000 ? 'load' : 'drain'));
  m.sample(EPOCH + 30_000, 'drain');
  await side.events.close();
  await side.log.close();
  const histograms = Object.fromEntries([...m.e2eByGroup].map(([g, h]) => [g, encodeHistogram(h)]));
  return JSON.parse(
    JSON.stringify({
      summaries: scopes.map((scope) => m.ledger.summarize(scope)),
      outstanding: scopes.map((scope) => m.ledger.outstanding(scope)),
      deadLettersAwaited: scopes.map((scope) => m.ledger.deadLettersAwaited(scope)),
      retryTimeline: m.deadLetterResults([1000, 5000, 10_000, 30_000]),
      accounting: [...accounting],
      e2e: encodeHistogram(m.e2eLatency),
      histograms,
      rows: m.rows,
      attribution: [...m.attribution.counts],
      perGroupWindow: m.attribution.perGroupWindow(),
      rebalance: m.rebalance.events,
      failover: m.failover.summary(EPOCH + 30_000),
      // The bookkeeping consume recovery is computed from, beyond what a few faults reveal.
      firstReceipts: [
        ...(m.failover as unknown as { firstReceipts: Map<string, Map<number, number>> }).firstReceipts,
      ].map(([g, buckets]) => [g, [...buckets]]),
      events: side.events.events,
      log: records(side.logFile),
    }),
  );
}

describe('Measurements.handleReceiptBatch', () => {
  it('leaves the same view as the same receipts in receipts messages', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.integer({ min: 1, max: 40 }), async (s, maxReceipts) => {
        const byMessage = side(s);
        const byBatch = side(s);
        // As an agent would: several messages of an instance in one batch.
        const byBatcher = side(s);
        const batcher = new ReceiptBatcher(maxReceipts);
        let last: string | undefined;
        // As an agent sends a batch: JSON on the wire, validated on arrival.
        const send = (batch: ReceiptBatch) =>
          byBatcher.m.handleReceiptBatch(parseReceiptBatch(JSON.parse(JSON.stringify(batch))));
        for (const { holds, sampleAfter, ...r } of s.reports) {
          // Whatever the coordinator got in between keeps its place among the receipts.
          if (holds || r.instanceId !== last) batcher.flushAll().forEach(send);
          last = r.instanceId;
          for (const { m } of [byMessage, byBatch, byBatcher])
            if (holds)
              m.handle({ type: 'assignment', instanceId: r.instanceId, queues: holds, atMs: r.items[0]?.[3] ?? EPOCH });
          byMessage.m.handle({ type: 'receipts', ...r });
          byBatch.m.handleReceiptBatch(
            parseReceiptBatch(JSON.parse(JSON.stringify(encodeReceiptBatch(r.instanceId, r.items, r.foreign)))),
          );
          const full = batcher.add({ type: 'receipts', ...r });
          if (full) send(full);
          if (sampleAfter) {
            batcher.flushAll().forEach(send);
            for (const { m } of [byMessage, byBatch, byBatcher]) m.sample(r.items[0]?.[3] ?? EPOCH, 'load');
          }
        }
        batcher.flushAll().forEach(send);
        const expected = await view(byMessage);
        expect(await view(byBatch)).toStrictEqual(expected);
        expect(await view(byBatcher)).toStrictEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('orders deliveries of one millisecond by arrival, as receipts messages do', async () => {
    // p#0 has 3 keys: 3 then 0 (key 0) in the same millisecond is a reordering only by arrival.
    const at = EPOCH + 100;
    const s: Scenario = {
      acks: [0, 3].map((seq) => ({ producerId: 'p#0', seq, tag: '', queue: QUEUES[0]!, sentAt: 0 })),
      reports: [
        {
          instanceId: 'c#0',
          items: [3, 0].map((seq): ReceiptTuple => ['p#0', seq, at, at, QUEUES[0]!, 0, 'success', '']),
          foreign: 0,
          holds: undefined,
        },
      ],
      windows: [],
      faults: [],
    };
    const byBatch = side(s);
    const [r] = s.reports;
    byBatch.m.handleReceiptBatch(encodeReceiptBatch(r!.instanceId, r!.items, 0));
    const billing = byBatch.m.accountLoss(EPOCH + 1000, () => 'load').get('billing');
    expect(billing?.ordering.reordered).toBe(1);
    await Promise.all([byBatch.events.close(), byBatch.log.close()]);
  });

  it('refuses a batch of an instance the run does not know, recording nothing', async () => {
    const s: Scenario = { acks: [], reports: [], windows: [], faults: [] };
    const { m, events, log } = side(s);
    const batch = encodeReceiptBatch('elsewhere#0', [['p#0', 1, EPOCH, EPOCH + 3, QUEUES[0]!, 0, 'success', '']], 0);
    expect(() => m.handleReceiptBatch(batch)).toThrow(ReceiptBatchError);
    expect(m.totalReceipts()).toBe(0);
    await Promise.all([events.close(), log.close()]);
  });

  it('refuses a batch that does not decode before recording any of it', async () => {
    const { m, events, log } = side({ acks: [], reports: [], windows: [], faults: [] });
    const batch = encodeReceiptBatch('c#0', [['p#0', 1, EPOCH, EPOCH + 3, QUEUES[0]!, 0, 'success', '']], 0);
    expect(() => m.handleReceiptBatch({ ...batch, producers: [] })).toThrow(/producer\[0\] is 0, past its 0 entries/);
    expect(m.totalReceipts()).toBe(0);
    expect(m.sample(EPOCH, 'load').received).toBe(0);
    await Promise.all([events.close(), log.close()]);
  });
});
