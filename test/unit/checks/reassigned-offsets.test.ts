import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/checks/diagnoses/index.ts';
import { lostExplained } from '../../../src/checks/diagnoses/loss-claims.ts';
import { MessageOrigins } from '../../../src/metrics/message-origins.ts';
import { QueuePositions } from '../../../src/metrics/queue-positions.ts';
import { acked } from './acks-fixture.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { Measurements } from '../../../src/run/measurements.ts';

describe('QueuePositions', () => {
  it('calls a position reused exactly when two acks named it, on a queue the acks named', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('t@broker-a/0', 't@broker-a/1', 't@broker-b/0', 't@?/-1'),
            fc.integer({ min: -1, max: 140_000 }),
          ),
          { maxLength: 300 },
        ),
        (acks) => {
          const positions = new QueuePositions();
          const seen = new Map<string, number>();
          for (const [queue, offset] of acks) {
            positions.record(queue, offset);
            seen.set(`${queue} ${offset}`, (seen.get(`${queue} ${offset}`) ?? 0) + 1);
          }
          for (const [queue, offset] of acks) {
            const expected = offset >= 0 && queue !== 't@?/-1' && seen.get(`${queue} ${offset}`)! >= 2;
            expect(positions.isReused(queue, offset)).toBe(expected);
          }
          const listed = positions.reusedByQueue().flatMap((q) => q.offsets.map((o) => `${q.queue} ${o}`));
          expect(new Set(listed).size).toBe(listed.length);
          for (const key of listed) expect(seen.get(key)).toBeGreaterThanOrEqual(2);
        },
      ),
    );
  });

  it('keeps the offset with the origin, and none when the ack named none', () => {
    const origins = new MessageOrigins(0);
    origins.record('p#0', 1, 't@broker-a/0', '', 10, 4_000_000_000);
    origins.record('p#0', 2, 't@broker-a/0', '', 10);
    expect(origins.of('p#0', 1)?.queueOffset).toBe(4_000_000_000);
    expect(origins.of('p#0', 2)).toEqual({ queue: 't@broker-a/0', tag: '', sentAt: 10 });
  });
});

describe('reassigned-offsets', () => {
  it('explains the lost messages whose offsets a new master gave again, and only those', () => {
    const m = new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'reassigned-')), 'events.ndjson')), 0);
    m.addProducer('p#0');
    m.addConsumer({ instanceId: 'c#0', fleet: 'billing', group: 'billing', model: 'clustering' });
    // broker-a's old master acked seqs 0-4 at offsets 10-14 while deposed; the new master,
    // elected from a slave that had offsets up to 9, acked seqs 5-9 at the same offsets 10-14.
    // Seq 10 on broker-b (offset 10 there, its own queue) is lost for some other reason.
    acked(m, [
      ...[0, 1, 2, 3, 4].map((seq) => ({ seq, queue: 'orders@broker-a/0', offset: 10 + seq, at: 1_000 })),
      ...[5, 6, 7, 8, 9].map((seq) => ({ seq, queue: 'orders@broker-a/0', offset: 5 + seq, at: 2_000 })),
      { seq: 10, queue: 'orders@broker-b/0', offset: 10, at: 2_000 },
    ]);
    m.failover.roleChanged({ atMs: 1_500, brokerName: 'broker-a', master: 'broker-a-s1' });
    m.handle({
      type: 'receipts',
      instanceId: 'c#0',
      items: [5, 6, 7, 8, 9].map((seq) => ['p#0', seq, 2_000, 2_100, 'orders@broker-a/0', 0, 'success', '']),
      foreign: 0,
    });
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
        roleChanges: m.failover.roleChanges(),
      },
    });
    const reassigned = findings.find((f) => f.id === 'reassigned-offsets')!;
    expect(reassigned.evidence['lost']).toBe(5);
    expect(reassigned.evidence['brokers']).toEqual([{ broker: 'broker-a', lost: 5 }]);
    expect(reassigned.evidence['masters']).toEqual([{ broker: 'broker-a', master: 'broker-a-s1', atRunMs: 1_500 }]);
    expect(reassigned.claims).toEqual([{ topic: 'orders', queues: ['orders@broker-a/0'], offsetReused: true }]);
    expect(reassigned.explains).toEqual({ lost: 5, of: 6, byQueue: { 'orders@broker-a/0': 5 } });
    // broker-b's lost message is no reused offset: unexplained, and counted as such.
    expect(findings.find((f) => f.id === 'unexplained-loss')?.evidence['unexplained']).toBe(1);
    expect(lostExplained('billing', cells, findings)).toBe(5);
  });

  it('says nothing when no lost message had its offset reused', () => {
    const findings = diagnose({
      snapshots: [],
      run: {
        duplicates: [],
        uniqueByGroup: {},
        lost: [
          {
            group: 'g',
            cells: [
              {
                queue: 't@b/0',
                tag: '',
                holder: undefined,
                window: 'load',
                offsetReused: false,
                withHost: undefined,
                count: 3,
              },
            ],
          },
        ],
      },
    });
    expect(findings.map((f) => f.id)).toEqual(['unexplained-loss']);
  });
});
