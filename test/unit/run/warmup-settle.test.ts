import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RebalanceEvent } from '../../../src/metrics/rebalance-tracker.ts';
import { loadPlanFile, loadPlanText } from '../../../src/plan/load-plan.ts';
import { describePartial, groupsSettled, settleTargets } from '../../../src/run/warmup-settle.ts';

const shipped = (name: string) => loadPlanFile(join(import.meta.dirname, '../../../plans', `${name}.yaml`));
const q = (topic: string, ...ids: number[]) => ids.map((id) => `${topic}@broker-a/${id}`);
const event = (group: string, instance: string, assignmentLatencyMs: number | null): RebalanceEvent => ({
  group,
  kind: 'join',
  instance,
  at: 0,
  assignmentLatencyMs,
  resumeLatencyMs: null,
  waitingQueues: [],
});

describe('the warmup settle wait', () => {
  it('topic-drift: refunds is not subscribed by billing#0, so only orders must be covered', async () => {
    const [target] = settleTargets(await shipped('topic-drift'), ['billing'], ['broker-a']);
    expect(target).toEqual({
      group: 'billing',
      instances: ['billing#0', 'billing#1'],
      partial: [{ topic: 'refunds', notSubscribedBy: ['billing#0'] }],
      commonTopics: ['orders'],
      commonQueues: q('orders', 0, 1, 2, 3),
    });
    expect(describePartial(target!)).toBe(
      'warmup: the instances of group billing subscribe different topics (refunds not by billing#0); queues ' +
        'allocated to an instance that does not subscribe their topic are never held, so warmup waits for a ' +
        'cover of the topics all of them subscribe (orders)',
    );
  });

  it(
    'tag-drift and topic-drift-fixed: the same topics everywhere ' +
      '(tags may differ), so the rebalance events decide',
    async () => {
      for (const name of ['tag-drift', 'topic-drift-fixed']) {
        const [target] = settleTargets(await shipped(name), ['billing'], ['broker-a']);
        expect(target!.partial, name).toEqual([]);
        // Assignments alone settle nothing for such a group: its events must have reached a cover.
        const all = new Map([
          ['billing#0', q('orders', 0, 1)],
          ['billing#1', q('orders', 2, 3)],
        ]);
        expect(
          groupsSettled([target!], [event('billing', 'billing#0', 10), event('billing', 'billing#1', null)], all),
        ).toBe(false);
        expect(
          groupsSettled([target!], [event('billing', 'billing#0', 10), event('billing', 'billing#1', 20)], new Map()),
        ).toBe(true);
      }
    },
  );

  it(
    'a group with a partial topic settles once every instance reported, ' +
      'nothing is held twice and the common topics are covered',
    async () => {
      const targets = settleTargets(await shipped('topic-drift'), ['billing'], ['broker-a']);
      // Its join events never get an assignment latency (refunds' queues of billing#0 stay unheld); they are not waited
      // for.
      const events = [event('billing', 'billing#0', null), event('billing', 'billing#1', null)];
      const settled = (assignments: [string, string[]][]) => groupsSettled(targets, events, new Map(assignments));
      // billing#1 started first and holds everything it subscribes; billing#0 has not reported yet.
      expect(settled([['billing#1', [...q('orders', 0, 1, 2, 3), ...q('refunds', 0, 1, 2, 3)]]])).toBe(false);
      // billing#0 took its half of orders, billing#1 has not given it up yet: held twice.
      expect(
        settled([
          ['billing#0', q('orders', 0, 1)],
          ['billing#1', [...q('orders', 0, 1, 2, 3), ...q('refunds', 0, 1, 2, 3)]],
        ]),
      ).toBe(false);
      // An orders queue nobody holds.
      expect(
        settled([
          ['billing#0', q('orders', 0)],
          ['billing#1', [...q('orders', 2, 3), ...q('refunds', 2, 3)]],
        ]),
      ).toBe(false);
      // The steady state: orders covered, refunds 0 and 1 allocated to billing#0, which does not subscribe refunds.
      expect(
        settled([
          ['billing#0', q('orders', 0, 1)],
          ['billing#1', [...q('orders', 2, 3), ...q('refunds', 2, 3)]],
        ]),
      ).toBe(true);
    },
  );

  it(
    "without a topic common to all instances, each instance's first " +
      'assignment (disjoint) is enough; other groups still count',
    () => {
      const plan = loadPlanText(
        `
description: two instances of one group on different topics, and a second group
topics: [{name: a, queues: 2}, {name: b, queues: 2}]
fleets:
  consumers:
    - {name: g, instances: 2, subscription: {a: "*"}, overrides: [{instances: [1], subscription: {b: "*"}}]}
    - {name: h, instances: 1, subscription: {a: "*"}}
phases: {load: 1s}
`,
        'split.yaml',
      );
      const targets = settleTargets(plan, ['g', 'h'], ['broker-a']);
      expect(targets[0]).toMatchObject({
        partial: [
          { topic: 'a', notSubscribedBy: ['g#1'] },
          { topic: 'b', notSubscribedBy: ['g#0'] },
        ],
        commonTopics: [],
        commonQueues: [],
      });
      expect(describePartial(targets[0]!)).toMatch(/so warmup waits for every instance's first assignment$/);
      const g = new Map([
        ['g#0', q('a', 0)],
        ['g#1', q('b', 1)],
      ]);
      expect(groupsSettled(targets, [event('h', 'h#0', 5)], g)).toBe(true);
      expect(groupsSettled(targets, [event('h', 'h#0', null)], g)).toBe(false);
      expect(groupsSettled(targets, [event('h', 'h#0', 5)], new Map([['g#0', q('a', 0)]]))).toBe(false);
    },
  );
});
