import { describe, expect, it } from 'vitest';
import { judgeDiagnoses } from '../../../src/checks/diagnosis-expectations.ts';
import type { Finding } from '../../../src/checks/diagnoses/index.ts';
import { evaluateInvariants } from '../../../src/checks/invariants.ts';
import type { ScopeSummary } from '../../../src/metrics/ledger.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';

const planWith = (expect = '') =>
  loadPlanText(
    `
description: verdict test
topics: [{name: t}]
fleets:
  producers: [{name: p, topic: t, rate: 10/s}]
  consumers:
    - {name: billing, subscription: {t: "*"}}
    - {name: audit, subscription: {t: "*"}}
    - {name: radio, model: broadcasting, subscription: {t: "*"}}
phases: {load: 1s}
${expect}`,
    'verdict.yaml',
  );

const scope = (name: string, lost: number, unexpected = 0): ScopeSummary => ({
  scope: name,
  acked: 100,
  receipts: 100 - lost,
  unique: 100 - lost,
  duplicates: 0,
  lost,
  unexpected,
  duplicateRate: 0,
  perInstance: {},
  lostSample: [],
});

const finding = (id: Finding['id'], group: string): Finding => ({
  id,
  group,
  severity: 'critical',
  summary: id,
  evidence: {},
  remedy: '',
  firstSeenAt: 0,
  lastSeenAt: 0,
});

describe('invariants', () => {
  it('hold by default: loss in a clustering group or a broadcasting instance and unexpected ids fail', () => {
    const results = evaluateInvariants(planWith(), [
      scope('billing', 0),
      scope('audit', 3),
      scope('radio/radio#0', 1, 2),
    ]);
    expect(results.map((r) => [r.id, r.held, r.ok])).toEqual([
      ['no-loss', false, false],
      ['broadcast-complete', false, false],
      ['no-unexpected', false, false],
    ]);
    expect(results[0]!.detail).toBe('lost 0 of 100 in billing; lost 3 of 100 in audit');
    expect(results[1]!.detail).toBe('lost 1 of 100 in radio/radio#0');
  });

  it('violated: the run fails when the problem was not reproduced; off: not checked', () => {
    const plan = planWith('expect: {invariants: {no-loss: violated, no-unexpected: off}}');
    expect(evaluateInvariants(plan, [scope('billing', 0)])).toEqual([
      { id: 'no-loss', expected: 'violated', held: true, ok: false, detail: 'lost 0 of 100 in billing' },
    ]);
    expect(evaluateInvariants(plan, [scope('billing', 5)])[0]).toMatchObject({ held: false, ok: true });
  });

  it('an invariant with nothing to check (no broadcasting scope) is not reported', () => {
    expect(evaluateInvariants(planWith(), [scope('billing', 0)]).map((r) => r.id)).toEqual([
      'no-loss',
      'no-unexpected',
    ]);
  });
});

describe('expected diagnoses', () => {
  it('an expected diagnosis must fire for its group; an unlisted one is reported, not failed, by default', () => {
    const plan = planWith('expect: {diagnoses: [{id: stale-consumer, group: billing}]}');
    const wrongGroup = judgeDiagnoses(plan, [finding('stale-consumer', 'audit')]);
    expect(wrongGroup.ok).toBe(false);
    expect(wrongGroup.expectations).toEqual([{ id: 'stale-consumer', group: 'billing', fired: false }]);
    expect(wrongGroup.findings[0]!.expected).toBe(false);
    const right = judgeDiagnoses(plan, [finding('stale-consumer', 'billing'), finding('backlog-growth', 'billing')]);
    expect(right.ok).toBe(true);
    expect(right.findings.map((f) => f.expected)).toEqual([true, false]);
  });

  it('others: fail makes any unlisted diagnosis fail the run (how counterpart plans prove their fix)', () => {
    const plan = planWith('expect: {others: fail}');
    expect(judgeDiagnoses(plan, []).ok).toBe(true);
    expect(judgeDiagnoses(plan, [finding('backlog-growth', 'audit')]).ok).toBe(false);
  });
});
