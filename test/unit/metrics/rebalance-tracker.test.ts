import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RebalanceTracker } from '../../../src/metrics/rebalance-tracker.ts';

const Q = ['t@broker-a/0', 't@broker-a/1', 't@broker-a/2', 't@broker-a/3'];

describe('RebalanceTracker', () => {
  it('measures a join: done when the newcomer holds its share and the claims are a disjoint cover', () => {
    const t = new RebalanceTracker();
    t.addGroup('g', Q);
    t.membership('g', 'join', 'a', 0);
    t.assignment('a', Q, 100);
    expect(t.events[0]!.assignmentLatencyMs).toBe(100);
    t.membership('g', 'join', 'b', 1000);
    t.assignment('a', Q.slice(0, 2), 1500); // a gives up two queues: not a cover yet
    expect(t.events[1]!.assignmentLatencyMs).toBeNull();
    t.assignment('b', Q.slice(2), 1800);
    expect(t.events[1]!.assignmentLatencyMs).toBe(800);
  });

  it("measures a leave: the survivors must take the dead instance's queues", () => {
    const t = new RebalanceTracker();
    t.addGroup('g', Q);
    t.membership('g', 'join', 'a', 0);
    t.membership('g', 'join', 'b', 0);
    t.assignment('a', Q.slice(0, 2), 10);
    t.assignment('b', Q.slice(2), 10);
    const kill = t.membership('g', 'kill', 'b', 5000)!;
    t.backlog('g', { [Q[2]!]: 5, [Q[3]!]: 0 }, 6000);
    expect(kill.assignmentLatencyMs).toBeNull();
    t.assignment('a', Q, 125_000);
    expect(kill.assignmentLatencyMs).toBe(120_000);
    expect(kill.resumeLatencyMs).toBeNull();
    expect(kill.waitingQueues).toEqual([Q[2]]);
    t.delivery('a', Q[2]!, 125_400);
    expect(kill.resumeLatencyMs).toBe(120_400);
  });

  it('a restarted instance (kill, then join under the same id) starts with no queues', () => {
    const t = new RebalanceTracker();
    t.addGroup('g', Q);
    t.membership('g', 'join', 'a', 0);
    t.membership('g', 'join', 'b', 0);
    t.assignment('a', Q.slice(0, 2), 10);
    t.assignment('b', Q.slice(2), 10);
    const kill = t.membership('g', 'kill', 'b', 100)!;
    const join = t.membership('g', 'join', 'b', 200)!;
    expect(kill.assignmentLatencyMs).toBeNull();
    expect(join.assignmentLatencyMs).toBeNull();
    t.assignment('b', Q.slice(2), 900);
    expect(kill.assignmentLatencyMs).toBe(800);
    expect(join.assignmentLatencyMs).toBe(700);
  });

  it('isDisjointCover agrees with a direct set computation', () => {
    fc.assert(
      fc.property(fc.array(fc.subarray(Q), { maxLength: 4 }), (claims) => {
        const all = claims.flat();
        const expected = all.length === new Set(all).size && new Set(all).size === Q.length;
        expect(
          RebalanceTracker.isDisjointCover(
            new Set(Q),
            claims.map((c) => new Set(c)),
          ),
        ).toBe(expected);
      }),
    );
  });
});
