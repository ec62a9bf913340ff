/**
 * Delayed messages through the coordinator's Measurements: acks carry requested delivery
 * times, receipts (before or after their ack) give the first delivery, and the summary's
 * timers section, the timer thresholds and the summary schema agree.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeReceiptBatch } from '../../../src/agents/receipt-batch.ts';
import { encodeHistogram, newHistogram } from '../../../src/metrics/histogram.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { summarySchemaErrors } from '../../../src/result/summary-schema.ts';
import { buildSummary } from '../../../src/run/build-summary.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { Measurements } from '../../../src/run/measurements.ts';

const PLAN = `
description: timers summary
topics: [{name: t}]
fleets:
  producers:
    - {name: p, topic: t, rate: 10/s, delay: {ratio: 1, by: 2s}}
    - {name: l, topic: t, rate: 10/s, delay: {ratio: 1, level: 1}}
  consumers: [{name: billing, subscription: {t: "*"}}]
phases: {load: 1s}
thresholds:
  timer_early: ["count==0"]
  timer_lateness: ["max<1s"]
`;

function ack(m: Measurements, producerId: string, seqs: number[], sentAt: number, delayMs: number): void {
  m.handle({
    type: 'acks',
    producerId,
    seqs,
    tags: seqs.map(() => ''),
    queues: seqs.map(() => 't@broker-a/0'),
    offsets: seqs,
    sentAtMs: seqs.map(() => sentAt),
    dueAtMs: seqs.map(() => sentAt + delayMs),
    attempted: Math.max(...seqs) + 1,
    errors: {},
    dropped: 0,
    sendLatency: encodeHistogram(newHistogram()),
  });
}

function deliver(m: Measurements, producerId: string, seqAndTime: [number, number][]): void {
  m.handle({
    type: 'receipts',
    instanceId: 'billing#0',
    items: seqAndTime.map(([seq, at]) => [producerId, seq, 0, at, 't@broker-a/0', 0, 'success', '']),
    foreign: 0,
  });
}

describe('Measurements: delayed messages', () => {
  it('summarizes lateness per kind, judges the timer thresholds, and fits the summary schema', () => {
    const plan = loadPlanText(PLAN, 'timers.yaml');
    const m = new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'timers-')), 'events.ndjson')), 0);
    m.addProducer('p#0', undefined, undefined, { kind: 'timer', delayMs: 2000 });
    m.addProducer('l#0', undefined, undefined, { kind: 'level', level: 1, delayMs: 1000 });
    m.addConsumer({ instanceId: 'billing#0', fleet: 'billing', group: 'billing', model: 'clustering' });
    // A receipt that reaches the coordinator before its ack still counts.
    deliver(m, 'p#0', [[0, 2100]]);
    ack(m, 'p#0', [0, 1], 100, 2000);
    deliver(m, 'p#0', [[1, 1700]]); // 400 ms before due: within the timer's 1 s precision
    ack(m, 'l#0', [0, 1], 100, 1000);
    deliver(m, 'l#0', [
      [0, 1150],
      [1, 1900],
    ]);
    m.sample(1000, 'load');
    const summary = buildSummary({
      plan,
      runId: 'r',
      startedAt: 0,
      endedAt: 3000,
      cluster: undefined,
      measurements: m,
      crashes: [],
      faults: [],
      phases: { load: { startMs: 0, durationMs: 1000 } },
      drained: true,
      findings: [],
      accounting: m.accountLoss(3000, () => 'load'),
    });
    const t = summary.timers!;
    expect(
      t.kinds.map((k) => [k.label, k.acked, k.delivered, k.beforeDue, k.early, k.lateness.min, k.lateness.max]),
    ).toEqual([
      ['timer 2s', 2, 2, 1, 0, -400, 0],
      ['level 1 (1s)', 2, 2, 0, 0, 50, 800],
    ]);
    expect(summary.checks.map((c) => [c.metric, c.ok])).toEqual([
      ['timer_early', true],
      ['timer_lateness', true],
    ]);
    expect(summary.totals.lost).toBe(0);
    expect(summarySchemaErrors(JSON.parse(JSON.stringify(summary)))).toEqual([]);
  });

  it("takes an agent's receipt batch as it takes receipts", () => {
    const m = new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'timers-')), 'events.ndjson')), 0);
    m.addProducer('p#0', undefined, undefined, { kind: 'timer', delayMs: 2000 });
    m.addConsumer({ instanceId: 'billing#0', fleet: 'billing', group: 'billing', model: 'clustering' });
    ack(m, 'p#0', [0, 1], 100, 2000);
    m.handleReceiptBatch(
      encodeReceiptBatch(
        'billing#0',
        [
          ['p#0', 0, 100, 2350, 't@broker-a/0', 0, 'success', ''],
          ['p#0', 1, 100, 2150, 't@broker-a/0', 0, 'success', ''],
        ],
        0,
      ),
    );
    expect(m.timers.summarize().overall).toMatchObject({
      acked: 2,
      delivered: 2,
      lateness: { min: 50, max: 250 },
    });
  });
});
