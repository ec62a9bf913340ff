import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram } from '../../../src/metrics/histogram.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { summarySchemaErrors } from '../../../src/result/summary-schema.ts';
import { buildSummary } from '../../../src/run/build-summary.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { Measurements } from '../../../src/run/measurements.ts';

function measurements(): Measurements {
  return new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'ordering-')), 'events.ndjson')), 0);
}

function ack(m: Measurements, producerId: string, seqs: number[]): void {
  m.handle({
    type: 'acks',
    producerId,
    seqs,
    tags: seqs.map(() => ''),
    queues: seqs.map(() => 't@broker-a/0'),
    offsets: seqs,
    sentAtMs: seqs.map(() => 0),
    attempted: Math.max(...seqs) + 1,
    errors: {},
    dropped: 0,
    sendLatency: encodeHistogram(newHistogram()),
  });
}

function deliver(m: Measurements, instanceId: string, producerId: string, seqAndTime: [number, number][]): void {
  m.handle({
    type: 'receipts',
    instanceId,
    items: seqAndTime.map(([seq, at]) => [producerId, seq, 0, at, 't@broker-a/0', 0, 'success', '']),
    foreign: 0,
  });
}

describe('Measurements ordering', () => {
  it('judges ordered producers per scope at accountLoss, whatever order workers report in', () => {
    const m = measurements();
    m.addProducer('p#0', { shardingKeys: 2 });
    m.addProducer('u#0');
    m.addConsumer({ instanceId: 'c#0', fleet: 'billing', group: 'billing', model: 'clustering' });
    m.addConsumer({ instanceId: 'c#1', fleet: 'billing', group: 'billing', model: 'clustering' });
    m.addConsumer({ instanceId: 'a#0', fleet: 'audit', group: 'audit', model: 'broadcasting' });
    ack(m, 'p#0', [0, 1, 2, 3, 4, 5]);
    ack(m, 'u#0', [0, 1]);
    const window = m.attribution.open('kill c#0', 100, 'fault');
    window.to = 150;
    // c#1 took the queues over at 200 and reports first, replaying from 0; c#0 delivered 2 before 0.
    deliver(m, 'c#1', 'p#0', [
      [0, 200],
      [1, 201],
      [2, 202],
      [3, 203],
      [4, 204],
      [5, 205],
    ]);
    deliver(m, 'c#0', 'p#0', [
      [2, 10],
      [0, 11],
      [1, 12],
      [3, 13],
    ]);
    deliver(m, 'c#0', 'u#0', [
      [1, 10],
      [0, 11],
    ]);
    deliver(m, 'a#0', 'p#0', [
      [0, 10],
      [1, 11],
      [2, 12],
      [3, 13],
    ]);
    const accounting = m.accountLoss(1000, () => 'load');
    expect(accounting.get('billing')?.ordering).toEqual({
      checked: true,
      reordered: 1,
      keysAffected: 1,
      keys: ['p#0/0'],
      worstGap: 2,
      redeliveredOutOfOrder: 2,
      byWindow: [
        { window: 'load', reordered: 1, redeliveredOutOfOrder: 0 },
        { window: 'kill c#0', reordered: 0, redeliveredOutOfOrder: 2 },
      ],
    });
    expect(accounting.get('audit/a#0')?.ordering).toMatchObject({ checked: true, reordered: 0 });
  });

  it('checks nothing when no ordered producer feeds the scope', () => {
    const m = measurements();
    m.addProducer('u#0');
    m.addConsumer({ instanceId: 'c#0', fleet: 'billing', group: 'billing', model: 'clustering' });
    ack(m, 'u#0', [0, 1]);
    deliver(m, 'c#0', 'u#0', [
      [1, 10],
      [0, 11],
    ]);
    expect(m.accountLoss(1000, () => 'load').get('billing')?.ordering.checked).toBe(false);
  });
});

describe('summary.json ordering', () => {
  it("carries each group's ordering block, valid under the summary schema, and the ordered invariant", () => {
    const plan = loadPlanText(
      `
description: ordering summary
topics: [{name: t}]
fleets:
  producers: [{name: p, topic: t, rate: 10/s, ordered: {shardingKeys: 2}}]
  consumers: [{name: billing, subscription: {t: "*"}}, {name: audit, subscription: {t: "*"}}]
phases: {load: 1s}
`,
      'ordering.yaml',
    );
    const m = measurements();
    m.addProducer('p#0', { shardingKeys: 2 });
    m.addConsumer({ instanceId: 'billing#0', fleet: 'billing', group: 'billing', model: 'clustering' });
    m.addConsumer({ instanceId: 'audit#0', fleet: 'audit', group: 'audit', model: 'clustering' });
    ack(m, 'p#0', [0, 1, 2, 3]);
    deliver(m, 'billing#0', 'p#0', [
      [2, 10],
      [0, 11],
      [1, 12],
      [3, 13],
    ]);
    deliver(m, 'audit#0', 'p#0', [
      [0, 10],
      [1, 11],
      [2, 12],
      [3, 13],
    ]);
    m.sample(1000, 'load');
    const summary = buildSummary({
      plan,
      runId: 'r',
      startedAt: 0,
      endedAt: 2000,
      cluster: undefined,
      measurements: m,
      crashes: [],
      faults: [],
      phases: { load: { startMs: 0, durationMs: 1000 } },
      drained: true,
      findings: [],
      accounting: m.accountLoss(2000, () => 'load'),
    });
    expect(summary.groups.map((g) => [g.scope, g.ordering.checked, g.ordering.reordered])).toEqual([
      ['billing', true, 1],
      ['audit', true, 0],
    ]);
    expect(summary.invariants.find((i) => i.id === 'ordered')).toMatchObject({ held: false, ok: false });
    expect(summary.verdict).toBe('fail');
    expect(summarySchemaErrors(JSON.parse(JSON.stringify(summary)))).toEqual([]);
  });
});
