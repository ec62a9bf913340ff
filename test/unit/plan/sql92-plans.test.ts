/**
 * SQL92 in plans: a `{sql}` subscription resolves as a SQL92 subscription (on fleets,
 * overrides and drift faults), brokers the harness starts get enablePropertyFilter, producer
 * properties resolve as written, and a refusal points at the character of the plan file where
 * the broker's parser stops (bad inputs with their full messages: fixtures/bad-plans/sql92-bad.yaml).
 */
import { describe, expect, it } from 'vitest';
import { IDENTITY } from '../../../src/fleet/protocol.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { IDENTITY_PROPERTY_PREFIX } from '../../../src/plan/schema-properties.ts';
import { PlanError } from '../../../src/util/errors.ts';

const HEAD = `
description: "SQL92."
topics: [{name: orders}]
phases: {load: 10s}
`;

function load(body: string) {
  return loadPlanText(`${HEAD}${body}`, 'plans/sql.yaml');
}

function issuesOf(body: string) {
  try {
    load(body);
  } catch (error) {
    if (error instanceof PlanError) return error.issues;
    throw error;
  }
  throw new Error('the plan loaded');
}

const PRODUCER = `
fleets:
  producers:
    - name: p
      topic: orders
      rate: 10/s
      properties: {amount: {int: [1, 100]}, region: {oneOf: [eu, us]}}
`;

describe('SQL92 subscriptions in plans', () => {
  it('resolve as SQL92 beside tag subscriptions, and turn on enablePropertyFilter', () => {
    const plan = load(`${PRODUCER}  consumers:
    - name: c
      instances: 2
      subscription: {orders: {sql: "  amount > 5  "}}
      overrides: [{instances: [1], subscription: {orders: "TagA"}}]
`);
    const [first, second] = plan.fleets.consumers[0]!.perInstance;
    expect(first!.subscriptions).toEqual([{ topic: 'orders', expression: 'amount > 5', type: 'SQL92', tags: [] }]);
    expect(second!.subscriptions).toEqual([{ topic: 'orders', expression: 'TagA', tags: ['TagA'] }]);
    expect(plan.cluster.brokerConfig.enablePropertyFilter).toBe(true);
    expect(plan.fleets.producers[0]!.properties).toEqual({
      amount: { int: [1, 100] },
      region: { oneOf: ['eu', 'us'] },
    });
  });

  it('leave brokerConfig alone without SQL92, and an external cluster always', () => {
    expect(load(`${PRODUCER}  consumers: [{name: c, subscription: {orders: "*"}}]\n`).cluster.brokerConfig).toEqual({});
    const external = load(
      `${PRODUCER}  consumers: [{name: c, subscription: {orders: {sql: "a > 1"}}}]\n` +
        'cluster: {provider: external, namesrvAddr: "127.0.0.1:9876"}\n',
    );
    expect(external.cluster.brokerConfig).toEqual({});
  });

  it('a drift fault to a SQL92 subscription is one too, and also turns the filter on', () => {
    const plan = load(`${PRODUCER}  consumers: [{name: c, subscription: {orders: "*"}}]
faults:
  - {action: drift, target: "c#0", at: 2s, subscription: {orders: {sql: "region = 'eu'"}}}
`);
    const drift = plan.faults[0]!;
    expect(drift.action === 'drift' && drift.params.subscriptions).toEqual([
      { topic: 'orders', expression: "region = 'eu'", type: 'SQL92', tags: [] },
    ]);
    expect(plan.cluster.brokerConfig.enablePropertyFilter).toBe(true);
  });

  it.each([
    ['a plain scalar', '{sql: amount >> 5}', 'sql: amount >'.length],
    ['a double-quoted one', '{sql: "amount >> 5"}', 'sql: "amount >'.length],
    [
      'a single-quoted one with doubled quotes',
      "{sql: 'region = ''eu'' AND amount >> 5'}",
      "sql: 'region = ''eu'' AND amount >".length,
    ],
  ])('a refusal in %s points at the offending character in the file', (_, value, offsetInValue) => {
    const line = `      subscription: {orders: ${value}}`;
    const [issue] = issuesOf(`${PRODUCER}  consumers:\n    - name: c\n${line}\n`);
    const lineNumber = `${HEAD}${PRODUCER}  consumers:\n    - name: c\n`.split('\n').length;
    expect(issue).toMatchObject({ line: lineNumber, path: 'fleets.consumers[0].subscription.orders.sql' });
    expect(issue!.message).toContain('broker refuses this SQL92 filter');
    // The column of the second ">" (1-based): where RocketMQ's parser stops.
    const openBrace = line.indexOf('{', line.indexOf('orders'));
    expect(issue!.column).toBe(openBrace + 1 + offsetInValue + 1);
    expect(line[issue!.column - 1]).toBe('>');
  });

  it('a folded scalar is pointed at its start (offsets inside it are uncertain)', () => {
    const [issue] = issuesOf(`${PRODUCER}  consumers:
    - name: c
      subscription:
        orders:
          sql: >-
            amount
            >> 5
`);
    expect(issue!.message).toContain('broker refuses this SQL92 filter');
    expect(issue!.column).toBe(16);
  });

  it('the harness identity prefix that plans refuse is the one fleets write', () => {
    for (const key of Object.values(IDENTITY)) expect(key.startsWith(IDENTITY_PROPERTY_PREFIX)).toBe(true);
  });
});
