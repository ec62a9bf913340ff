import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProcessQueue } from '../../../../src/drivers/remoting/process-queue.ts';
import { acceptsTag, buildSubscription, javaStringHashCode } from '../../../../src/protocol/index.ts';

const mq = { topic: 'T', brokerName: 'broker-a', queueId: 0 };

describe('ProcessQueue offset tracking', () => {
  it('commits the lowest unconsumed offset while messages finish out of order', () => {
    const pq = new ProcessQueue(mq, 10);
    pq.add([10, 11, 12, 13]);
    pq.nextOffset = 14;
    expect(pq.complete(12)).toBe(10);
    expect(pq.complete(10)).toBe(11);
    expect(pq.complete(13)).toBe(11);
    expect(pq.pendingCount).toBe(1);
    expect(pq.complete(11)).toBe(14); // nothing pending: everything below the next pull offset is done
    expect(pq.pendingRange()).toBeUndefined();
  });

  it('never counts an offset twice (a repeated pull) and ignores unknown completions', () => {
    const pq = new ProcessQueue(mq, 0);
    pq.add([0, 1]);
    pq.add([1, 2]);
    expect(pq.pendingCount).toBe(3);
    expect(pq.complete(99)).toBe(0);
    expect(pq.complete(0)).toBe(1);
    expect(pq.complete(0)).toBe(1);
    expect(pq.pendingCount).toBe(2);
  });

  it('for any completion order, the committable offset is always the lowest pending one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
          ),
        ),
        ([n, order]) => {
          const pq = new ProcessQueue(mq, 0);
          pq.add(Array.from({ length: n }, (_, i) => i));
          pq.nextOffset = n;
          const done = new Set<number>();
          for (const offset of order) {
            done.add(offset);
            let lowest = 0;
            while (done.has(lowest)) lowest++;
            expect(pq.complete(offset)).toBe(lowest);
          }
          expect(pq.pendingCount).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('wakes sleepers when dropped', () => {
    const pq = new ProcessQueue(mq, 0);
    expect(pq.signal.aborted).toBe(false);
    pq.drop();
    expect(pq.dropped).toBe(true);
    expect(pq.signal.aborted).toBe(true);
  });
});

describe('subscriptions', () => {
  it('hashes tags exactly like Java String.hashCode (values printed by a JVM)', () => {
    expect(javaStringHashCode('TagA')).toBe(2598919);
    expect(javaStringHashCode('TagB')).toBe(2598920);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a-very-long-tag-name-that-overflows-int32')).toBe(754558677);
    expect(javaStringHashCode('ü✓')).toBe(17815);
  });

  it('builds FilterAPI subscription data', () => {
    expect(buildSubscription('T', '*', 5)).toMatchObject({ subString: '*', tagsSet: [], codeSet: [], subVersion: 5 });
    expect(buildSubscription('T', '', 5).subString).toBe('*');
    const s = buildSubscription('T', ' TagA || TagB ||TagA', 5);
    expect(s.tagsSet).toEqual(['TagA', 'TagB']);
    expect(s.codeSet).toEqual([2598919, 2598920]);
  });

  it('re-checks tags on the client like PullAPIWrapper', () => {
    const all = buildSubscription('T', '*');
    const some = buildSubscription('T', 'TagA||TagB');
    expect(acceptsTag(all, undefined)).toBe(true);
    expect(acceptsTag(some, 'TagB')).toBe(true);
    expect(acceptsTag(some, 'TagC')).toBe(false);
    expect(acceptsTag(some, undefined)).toBe(false);
  });

  it('builds SQL92 subscription data like FilterAPI.build, which the client does not re-check', () => {
    const sql = buildSubscription('T', "a > 5 AND region = 'eu'", 7, 'SQL92');
    expect(sql).toEqual({
      classFilterMode: false,
      topic: 'T',
      subString: "a > 5 AND region = 'eu'",
      tagsSet: [],
      codeSet: [],
      subVersion: 7,
      expressionType: 'SQL92',
    });
    expect(acceptsTag(sql, 'TagC')).toBe(true);
    expect(acceptsTag(sql, undefined)).toBe(true);
  });
});
