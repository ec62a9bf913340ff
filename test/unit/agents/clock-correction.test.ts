import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCoordinatorClock } from '../../../src/agents/clock-correction.ts';
import type { FromWorker, ReceiptTuple } from '../../../src/fleet/protocol.ts';

describe('worker reports onto the coordinator clock', () => {
  it("moves received times by the reporting host's offset and born times by each producer's host's", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -60_000, max: 60_000 }),
        fc.integer({ min: -60_000, max: 60_000 }),
        fc.array(fc.tuple(fc.constantFrom('a#0', 'b#0'), fc.nat(1000), fc.nat(1_000_000), fc.nat(100)), {
          maxLength: 20,
        }),
        (own, bOffset, deliveries) => {
          const items: ReceiptTuple[] = deliveries.map(([p, seq, born, transit]) => [
            p,
            seq,
            born + (p === 'b#0' ? bOffset : 0),
            born + transit + own,
            't@b/0',
            0,
            'success',
            '',
          ]);
          const message: FromWorker = { type: 'receipts', instanceId: 'c#0', items, foreign: 0 };
          const moved = toCoordinatorClock(message, { own, producer: (p) => (p === 'b#0' ? bOffset : 0) });
          if (moved.type !== 'receipts') throw new Error('type changed');
          // On one clock, each latency is the transit time again, whatever the hosts' offsets.
          expect(moved.items.map((i) => i[3] - i[2])).toEqual(deliveries.map(([, , , transit]) => transit));
          expect(moved.items.map((i) => i.slice(0, 2))).toEqual(items.map((i) => i.slice(0, 2)));
        },
      ),
    );
  });

  it("moves an ack's send and due times and an assignment's time by the host's offset, leaves others", () => {
    const clocks = { own: 250, producer: () => 0 };
    const acks = toCoordinatorClock(
      {
        type: 'acks',
        producerId: 'p#0',
        seqs: [1, 2],
        tags: ['', ''],
        queues: ['t@b/0', 't@b/1'],
        offsets: [0, 0],
        sentAtMs: [1250, 1300],
        dueAtMs: [0, 4300],
        attempted: 2,
        errors: {},
        dropped: 0,
        sendLatency: '',
      },
      clocks,
    );
    expect(acks.type === 'acks' && acks.sentAtMs).toEqual([1000, 1050]);
    // A requested delivery time moves too; 0 (not delayed) stays 0.
    expect(acks.type === 'acks' && acks.dueAtMs).toEqual([0, 4050]);
    const assignment = toCoordinatorClock({ type: 'assignment', instanceId: 'c#0', queues: [], atMs: 5250 }, clocks);
    expect(assignment.type === 'assignment' && assignment.atMs).toBe(5000);
    const ready: FromWorker = { type: 'ready' };
    expect(toCoordinatorClock(ready, clocks)).toBe(ready);
  });
});
