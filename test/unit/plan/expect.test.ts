/**
 * The `expect:` section and `sampling.snapshot`: what they resolve to, with every default
 * filled. What a bad one says is in the bad-plan corpus (test/fixtures/bad-plans/expect-*).
 */
import { describe, expect, it } from 'vitest';
import { DIAGNOSIS_IDS } from '../../../src/plan/expectations-catalogue.ts';
import { buildPlanJsonSchema } from '../../../src/plan/export-schema.ts';
import { INVARIANT_DESCRIPTIONS, INVARIANT_IDS, isInvariantId } from '../../../src/plan/expectations-catalogue.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { PlanError, formatPlanIssue } from '../../../src/util/errors.ts';

const HEAD = `description: "Expectations."
topics:
  - name: orders
fleets:
  consumers:
    - name: billing
      subscription: {orders: "*"}
    - name: audit
      group: audit-group
      model: broadcasting
      subscription: {orders: "*"}
phases:
  load: 20s
`;

const ALL_HOLD = {
  'no-loss': 'hold',
  'broadcast-complete': 'hold',
  'no-unexpected': 'hold',
  ordered: 'hold',
  'dead-letters-exact': 'hold',
};

function issuesOf(text: string, sets: string[] = []): string[] {
  try {
    loadPlanText(text, 'plans/e.yaml', sets);
  } catch (error) {
    if (error instanceof PlanError) return error.issues.map(formatPlanIssue);
    throw error;
  }
  throw new Error('expected a PlanError');
}

describe('expect', () => {
  it('defaults to no diagnoses, reporting the others and every invariant holding', () => {
    expect(loadPlanText(HEAD, 'plans/e.yaml').expect).toEqual({
      diagnoses: [],
      others: 'report',
      invariants: ALL_HOLD,
    });
    expect(loadPlanText(`${HEAD}expect: {}\n`, 'plans/e.yaml').expect).toEqual({
      diagnoses: [],
      others: 'report',
      invariants: ALL_HOLD,
    });
  });

  it('resolves short and long forms in plan order; a long form without a group has no group key', () => {
    const plan = loadPlanText(
      `${HEAD}expect:
  diagnoses:
    - inconsistent-subscription
    - id: unconsumed-queues
      group: billing
    - {id: stale-consumer}
    - {id: inconsistent-subscription, group: audit-group}
  others: fail
  invariants:
    no-loss: violated
    no-unexpected: off
`,
      'plans/e.yaml',
    );
    expect(plan.expect).toEqual({
      diagnoses: [
        { id: 'inconsistent-subscription' },
        { id: 'unconsumed-queues', group: 'billing' },
        { id: 'stale-consumer' },
        { id: 'inconsistent-subscription', group: 'audit-group' },
      ],
      others: 'fail',
      invariants: {
        'no-loss': 'violated',
        'broadcast-complete': 'hold',
        'no-unexpected': 'off',
        ordered: 'hold',
        'dead-letters-exact': 'hold',
      },
    });
    expect(Object.hasOwn(plan.expect.diagnoses[2] ?? {}, 'group')).toBe(false);
  });

  it('takes every field from --set', () => {
    const plan = loadPlanText(HEAD, 'plans/e.yaml', [
      'expect.diagnoses[0]=backlog-growth',
      'expect.diagnoses[1]={id: duplicate-burst, group: billing}',
      'expect.others=fail',
      'expect.invariants.broadcast-complete=off',
    ]);
    expect(plan.expect).toEqual({
      diagnoses: [{ id: 'backlog-growth' }, { id: 'duplicate-burst', group: 'billing' }],
      others: 'fail',
      invariants: { ...ALL_HOLD, 'broadcast-complete': 'off' },
    });
  });

  it('accepts every diagnosis id the diagnoses define', () => {
    const sets = DIAGNOSIS_IDS.map((id, i) => `expect.diagnoses[${i}]=${id}`);
    expect(loadPlanText(HEAD, 'plans/e.yaml', sets).expect.diagnoses.map((d) => d.id)).toEqual([...DIAGNOSIS_IDS]);
  });

  it('lets the same diagnosis be expected for any group and for a group, but not twice alike', () => {
    expect(
      loadPlanText(HEAD, 'plans/e.yaml', ['expect.diagnoses=[stale-consumer, {id: stale-consumer, group: billing}]'])
        .expect.diagnoses,
    ).toEqual([{ id: 'stale-consumer' }, { id: 'stale-consumer', group: 'billing' }]);
    expect(
      issuesOf(HEAD, ['expect.diagnoses=[{id: stale-consumer, group: billing}, {id: stale-consumer, group: billing}]']),
    ).toEqual([
      'expect.diagnoses[1]: diagnosis "stale-consumer" about group "billing" is already expected at ' +
        'expect.diagnoses[0] (--set:1:57)',
    ]);
  });

  it('judges a group against the fleets after --set changed them', () => {
    const text = `${HEAD}expect:\n  diagnoses: [{id: stale-consumer, group: payments}]\n`;
    expect(issuesOf(text)[0]).toMatch(
      /^expect\.diagnoses\[0\]\.group: unknown group "payments" \(groups: billing, audit-group\)/,
    );
    expect(loadPlanText(text, 'plans/e.yaml', ['fleets.consumers[0].group=payments']).expect.diagnoses).toEqual([
      { id: 'stale-consumer', group: 'payments' },
    ]);
  });

  it('reports a broken expect section together with unrelated problems', () => {
    const text = HEAD.replace('load: 20s', 'load: soon') + 'expect:\n  others: never\n';
    expect(issuesOf(text)).toEqual([
      'phases.load: expected a duration such as 90s or 2m, got "soon" (plans/e.yaml:13:9)',
      'expect.others: expected one of report, fail, got "never" (plans/e.yaml:15:11)',
    ]);
  });
});

describe('sampling.snapshot', () => {
  it('defaults to 3s and converts to ms, independently of the interval', () => {
    expect(loadPlanText(HEAD, 'plans/e.yaml').sampling).toEqual({ intervalMs: 1000, snapshotMs: 3000 });
    expect(loadPlanText(`${HEAD}sampling: {interval: 200ms, snapshot: 1m}\n`, 'plans/e.yaml').sampling).toEqual({
      intervalMs: 200,
      snapshotMs: 60_000,
    });
    expect(loadPlanText(HEAD, 'plans/e.yaml', ['sampling.snapshot=1s']).sampling).toEqual({
      intervalMs: 1000,
      snapshotMs: 1000,
    });
  });

  it('stays within 1s to 1m', () => {
    expect(issuesOf(HEAD, ['sampling.snapshot=999ms'])).toEqual([
      'sampling.snapshot: expected a duration between 1s and 1m, got "999ms" (--set:1:19)',
    ]);
    expect(issuesOf(HEAD, ['sampling.snapshot=1m1s'])).toEqual([
      'sampling.snapshot: expected a duration between 1s and 1m, got "1m1s" (--set:1:19)',
    ]);
  });
});

describe('the invariant catalogue', () => {
  it('describes every invariant in one line and recognises only its ids', () => {
    for (const id of INVARIANT_IDS) {
      expect(INVARIANT_DESCRIPTIONS[id]).toMatch(/^[A-Z].*\.$/);
      expect(INVARIANT_DESCRIPTIONS[id]).not.toContain('\n');
      expect(isInvariantId(id)).toBe(true);
    }
    expect(Object.keys(INVARIANT_DESCRIPTIONS)).toEqual([...INVARIANT_IDS]);
    expect(isInvariantId('no-los')).toBe(false);
    expect(isInvariantId(undefined)).toBe(false);
  });

  it('offers editors the diagnosis ids and invariant names', () => {
    const schema = buildPlanJsonSchema() as { properties: { expect: { properties: Record<string, unknown> } } };
    const section = schema.properties.expect.properties;
    expect(section.diagnoses).toMatchObject({
      type: 'array',
      items: {
        anyOf: [
          { type: 'string', enum: [...DIAGNOSIS_IDS] },
          { properties: { id: { enum: [...DIAGNOSIS_IDS] } }, required: ['id'] },
        ],
      },
    });
    expect(Object.keys((section.invariants as { properties: object }).properties)).toEqual([...INVARIANT_IDS]);
    expect(section.others).toMatchObject({ enum: ['report', 'fail'], default: 'report' });
  });
});
