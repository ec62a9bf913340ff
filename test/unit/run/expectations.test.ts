/**
 * What a group expects: tags as before, SQL92 filters as a selection over (producer, seq, tag)
 * decided on the properties the broker holds, and the union of both when a group's instances
 * disagree. The truth here is written by hand from the drawn properties, not by the evaluator.
 */
import { describe, expect, it } from 'vitest';
import { messageProperties } from '../../../src/fleet/message-properties.ts';
import type { MessageSelection } from '../../../src/metrics/ledger.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { groupExpectation, propertiesOnTheBroker } from '../../../src/run/expectations.ts';

const PROPERTIES = { amount: { int: [1, 100] as [number, number] }, region: { oneOf: ['eu', 'us'] } };

function plan(consumers: string) {
  return loadPlanText(
    `description: "x"
seed: 7
topics: [{name: orders}, {name: audit}]
phases: {load: 10s}
fleets:
  producers:
    - {name: p, topic: orders, rate: 10/s, instances: 2, tags: {TagA: 1, TagB: 1},
       properties: {amount: {int: [1, 100]}, region: {oneOf: [eu, us]}}}
    - {name: q, topic: audit, rate: 10/s}
  consumers:
${consumers}`,
    'plans/x.yaml',
  );
}

const selection = (value: unknown) => value as MessageSelection;

describe('groupExpectation', () => {
  it('keeps tag sets for tag-only groups and leaves unsubscribed producers out', () => {
    const expectation = groupExpectation(plan('    - {name: g, subscription: {orders: "TagA"}}\n'), 'g');
    expect([...expectation.keys()]).toEqual(['p#0', 'p#1']);
    expect(expectation.get('p#0')).toEqual(new Set(['TagA']));
  });

  it('selects by the drawn properties for a SQL92 group, per producer instance', () => {
    const resolved = plan('    - {name: g, subscription: {orders: {sql: "region = \'eu\' AND amount > 50"}}}\n');
    const expectation = groupExpectation(resolved, 'g');
    for (const producer of ['p#0', 'p#1']) {
      const select = selection(expectation.get(producer)).select;
      let picked = 0;
      for (let seq = 0; seq < 400; seq++) {
        const p = messageProperties(PROPERTIES, 7, producer, seq);
        const truth = p.region === 'eu' && Number(p.amount) > 50;
        expect(select(seq, seq % 2 ? 'TagA' : 'TagB')).toBe(truth);
        if (truth) picked++;
      }
      expect(picked).toBeGreaterThan(50);
      expect(picked).toBeLessThan(150);
    }
  });

  it('is the union of a tag instance and a SQL92 instance of one group; "*" beside SQL92 is everything', () => {
    const mixed = plan(`    - name: g
      instances: 2
      subscription: {orders: TagA}
      overrides: [{instances: [1], subscription: {orders: {sql: "amount > 90"}}}]
`);
    const select = selection(groupExpectation(mixed, 'g').get('p#1')).select;
    for (let seq = 0; seq < 300; seq++) {
      const high = Number(messageProperties(PROPERTIES, 7, 'p#1', seq).amount) > 90;
      expect(select(seq, 'TagA')).toBe(true);
      expect(select(seq, 'TagB')).toBe(high);
      expect(select(seq, '')).toBe(high);
    }
    const all = plan(`    - name: g
      instances: 2
      subscription: {orders: "*"}
      overrides: [{instances: [1], subscription: {orders: {sql: "amount > 90"}}}]
`);
    expect(groupExpectation(all, 'g').get('p#0')).toBe('*');
  });

  it('lets a filter read TAGS, KEYS and the harness producer id, as the broker holds them', () => {
    const resolved = plan(
      "    - {name: g, subscription: {orders: {sql: \"TAGS = 'TagB' AND KEYS = 'p#1:5' AND " +
        "rmqchaos_producer = 'p#1'\"}}}\n",
    );
    const expectation = groupExpectation(resolved, 'g');
    expect(selection(expectation.get('p#1')).select(5, 'TagB')).toBe(true);
    expect(selection(expectation.get('p#1')).select(5, 'TagA')).toBe(false);
    expect(selection(expectation.get('p#1')).select(6, 'TagB')).toBe(false);
    expect(selection(expectation.get('p#0')).select(5, 'TagB')).toBe(false);
    expect(propertiesOnTheBroker({}, 'p#0', 7, 3, '')).toEqual({
      rmqchaos_producer: 'p#0',
      rmqchaos_seq: '3',
      KEYS: 'p#0:3',
      WAIT: 'true',
    });
  });
});
