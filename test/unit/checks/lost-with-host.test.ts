import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeReceiptBatch } from '../../../src/agents/receipt-batch.ts';
import { diagnose } from '../../../src/checks/diagnoses/index.ts';
import { lostExplained } from '../../../src/checks/diagnoses/loss-claims.ts';
import type { ReceiptTuple } from '../../../src/fleet/protocol.ts';
import { acked } from './acks-fixture.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { Measurements } from '../../../src/run/measurements.ts';

const Q0 = 'orders@broker-a/0';
const Q1 = 'orders@broker-a/1';

const receipt = (seq: number, queue: string, at: number, reconsumeTimes = 0): ReceiptTuple => [
  'p#0',
  seq,
  1_000,
  at,
  queue,
  reconsumeTimes,
  'success',
  '',
];

/**
 * billing#0 ran on host-2 and held Q0; billing#1 held Q1. billing#0 consumed Q0's offsets 0-13
 * and committed up to 14, but only the receipts of 0-9 left the host before it died at 2 000.
 * billing#1 took Q0 over and resumed at offset 14. Seq 20 (Q0, offset 20) and seq 31 (Q1) were
 * never delivered to anyone for another reason; seq 21 was sent after the loss.
 */
function scenario(via: 'receipts' | 'batch') {
  const m = new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'lost-host-')), 'events.ndjson')), 0);
  m.addProducer('p#0');
  m.addConsumer({ instanceId: 'billing#0', fleet: 'billing', group: 'billing', model: 'clustering' });
  m.addConsumer({ instanceId: 'billing#1', fleet: 'billing', group: 'billing', model: 'clustering' });
  acked(m, [
    ...Array.from({ length: 21 }, (_, seq) => ({ seq, queue: Q0, offset: seq, at: 1_000 })),
    { seq: 21, queue: Q0, offset: 21, at: 2_500 },
    { seq: 30, queue: Q1, offset: 0, at: 1_000 },
    { seq: 31, queue: Q1, offset: 1, at: 1_000 },
  ]);
  m.handle({ type: 'assignment', instanceId: 'billing#0', queues: [Q0], atMs: 500 });
  m.handle({ type: 'assignment', instanceId: 'billing#1', queues: [Q1], atMs: 500 });
  const deliver = (instanceId: string, items: ReceiptTuple[]) =>
    via === 'receipts'
      ? m.handle({ type: 'receipts', instanceId, items, foreign: 0 })
      : m.handleReceiptBatch(encodeReceiptBatch(instanceId, items, 0));
  deliver(
    'billing#0',
    Array.from({ length: 10 }, (_, seq) => receipt(seq, Q0, 1_500)),
  );
  deliver('billing#1', [receipt(30, Q1, 1_500)]);
  // Before the loss a survivor's delivery says nothing about where the group resumes.
  deliver('billing#1', [receipt(12, Q0, 1_900)]);
  m.hostLost('host-2', ['billing#0'], 2_000);
  m.handle({ type: 'assignment', instanceId: 'billing#1', queues: [Q0, Q1], atMs: 2_100 });
  deliver('billing#1', [
    // A redelivery of an older message (a retry, reported on its first queue by the client
    // that restores the topic) is not where the queue resumed.
    receipt(3, Q0, 2_150, 1),
    ...[14, 15, 16, 17, 18, 19].map((seq) => receipt(seq, Q0, 2_200)),
  ]);
  const accounting = m.accountLoss(3_000, () => 'load');
  const cells = accounting.get('billing')!.lostCells;
  const findings = diagnose({
    snapshots: [],
    run: {
      duplicates: [],
      uniqueByGroup: {},
      lost: [{ group: 'billing', cells }],
      accountedAt: 3_000,
      startedAt: 0,
      hostLosses: m.hostLosses.losses(),
    },
  });
  return { m, cells, findings };
}

describe.each(['receipts', 'batch'] as const)('lost-with-host (receipts as %s)', (via) => {
  it('claims the lost messages below where the group resumed a lost host queue, sent before the loss', () => {
    const { cells, findings } = scenario(via);
    const lostOnHost = cells.filter((c) => c.withHost === 'host-2').reduce((n, c) => n + c.count, 0);
    // Offsets 10, 11 and 13 (12 reached the coordinator through billing#1 before the loss).
    expect(lostOnHost).toBe(3);
    const finding = findings.find((f) => f.id === 'lost-with-host')!;
    expect(finding).toMatchObject({
      severity: 'warning',
      group: 'billing',
      evidence: {
        host: 'host-2',
        instances: ['billing#0'],
        lost: 3,
        queues: [{ queue: Q0, lost: 3, resumedAtOffset: 14 }],
      },
      claims: [{ topic: 'orders', queues: [Q0], withHost: 'host-2' }],
      explains: { lost: 3, of: 6 },
    });
    expect(finding.summary).toMatch(/3 messages of group billing were consumed on host host-2 \(billing#0\)/);
    // Seq 20 (above the resume offset), 21 (sent after the loss) and 31 (Q1) are not the host's.
    const unexplained = findings.find((f) => f.id === 'unexplained-loss')!;
    expect(unexplained.evidence['unexplained']).toBe(3);
    expect(lostExplained('billing', cells, findings)).toBe(3);
  });
});

describe('lost-with-host', () => {
  it('explains nothing on a queue nobody resumed, and nothing without a lost host', () => {
    const m = new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'lost-host-')), 'events.ndjson')), 0);
    m.addProducer('p#0');
    m.addConsumer({ instanceId: 'billing#0', fleet: 'billing', group: 'billing', model: 'clustering' });
    acked(m, [{ seq: 0, queue: Q0, offset: 0, at: 1_000 }]);
    m.handle({ type: 'assignment', instanceId: 'billing#0', queues: [Q0], atMs: 500 });
    m.hostLost('host-2', ['billing#0'], 2_000);
    const cells = m.accountLoss(3_000, () => 'load').get('billing')!.lostCells;
    expect(cells).toEqual([expect.objectContaining({ withHost: undefined, count: 1 })]);
    expect(m.hostLosses.losses()).toEqual([
      {
        host: 'host-2',
        group: 'billing',
        instances: ['billing#0'],
        at: 2_000,
        queues: [{ queue: Q0, resumedAt: undefined }],
      },
    ]);
    const findings = diagnose({
      snapshots: [],
      run: {
        duplicates: [],
        uniqueByGroup: {},
        lost: [{ group: 'billing', cells }],
        hostLosses: m.hostLosses.losses(),
      },
    });
    expect(findings.map((f) => f.id)).toEqual(['unexplained-loss']);
  });
});
