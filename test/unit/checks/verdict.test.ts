import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeDiagnoses } from '../../../src/checks/diagnosis-expectations.ts';
import type { Finding } from '../../../src/checks/diagnoses/index.ts';
import { evaluateInvariants } from '../../../src/checks/invariants.ts';
import { judgeRun } from '../../../src/checks/verdict.ts';
import type { ScopeSummary } from '../../../src/metrics/ledger.ts';
import { type OrderingResult, UNCHECKED_ORDERING } from '../../../src/metrics/ordering.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { Measurements } from '../../../src/run/measurements.ts';

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

  it('no-rolled-back-delivered: judged only where a transactional producer runs, failing on any such receipt', () => {
    const tx = (name: string, rolledBackDelivered: number) => ({ ...scope(name, 0), rolledBackDelivered });
    const results = evaluateInvariants(planWith(), [tx('billing', 0), tx('audit', 2)]);
    expect(results.find((r) => r.id === 'no-rolled-back-delivered')).toEqual({
      id: 'no-rolled-back-delivered',
      expected: 'hold',
      held: false,
      ok: false,
      detail: '2 rolled-back messages received in audit',
    });
    expect(evaluateInvariants(planWith(), [tx('billing', 0)]).at(-1)).toMatchObject({
      id: 'no-rolled-back-delivered',
      held: true,
      detail: 'no rolled-back message received in billing',
    });
    const plain = evaluateInvariants(planWith(), [scope('billing', 0)]).map((r) => r.id);
    expect(plain).not.toContain('no-rolled-back-delivered');
  });

  it('an invariant with nothing to check (no broadcasting scope) is not reported', () => {
    expect(evaluateInvariants(planWith(), [scope('billing', 0)]).map((r) => r.id)).toEqual([
      'no-loss',
      'no-unexpected',
    ]);
  });
});

const ordering = (reordered: number): OrderingResult => ({
  checked: true,
  reordered,
  keysAffected: reordered > 0 ? 21 : 0,
  keys: reordered > 0 ? Array.from({ length: 20 }, (_, k) => `p#0/${k}`) : [],
  worstGap: reordered > 0 ? 7 : 0,
  redeliveredOutOfOrder: 4,
  byWindow: [],
});

describe('the ordered invariant', () => {
  it('holds when every checked scope kept its keys in order, fails on a reordering, names the keys', () => {
    const held = evaluateInvariants(planWith(), [
      { ...scope('billing', 0), ordering: ordering(0) },
      { ...scope('audit', 0), ordering: UNCHECKED_ORDERING },
    ]);
    expect(held.find((r) => r.id === 'ordered')).toEqual({
      id: 'ordered',
      expected: 'hold',
      held: true,
      ok: true,
      detail: 'every key in order in billing',
    });
    const violated = evaluateInvariants(planWith(), [{ ...scope('billing', 0), ordering: ordering(3) }]);
    expect(violated.find((r) => r.id === 'ordered')).toMatchObject({ held: false, ok: false });
    expect(violated.find((r) => r.id === 'ordered')?.detail).toMatch(
      /^reordered 3 in billing \(worst gap 7; keys p#0\/0, p#0\/1, .*p#0\/19, \.\.\.\)$/,
    );
  });

  it('is not reported where no ordered producer feeds any scope, nor when the plan turns it off', () => {
    const unchecked = [{ ...scope('billing', 0), ordering: UNCHECKED_ORDERING }, scope('audit', 0)];
    expect(evaluateInvariants(planWith(), unchecked).map((r) => r.id)).not.toContain('ordered');
    const off = planWith('expect: {invariants: {ordered: off}}');
    const reordered = [{ ...scope('billing', 0), ordering: ordering(3) }];
    expect(evaluateInvariants(off, reordered).map((r) => r.id)).not.toContain('ordered');
  });

  it('fails the verdict when violated, and a reordered threshold reads the group (no data where unchecked)', () => {
    const plan = planWith(
      [
        'thresholds:',
        '  reordered: ["count<=3"]',
        '  reordered{group:billing}: ["count==0"]',
        '  reordered{group:audit}: ["count==0"]',
      ].join('\n'),
    );
    const measured = new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'verdict-')), 'events.ndjson')), 0);
    const verdict = judgeRun({
      plan,
      measured,
      groups: [
        { ...scope('billing', 0), ordering: ordering(3) },
        { ...scope('audit', 0), ordering: UNCHECKED_ORDERING },
      ],
      findings: [],
      crashes: [],
      faults: [],
    });
    expect(verdict.checks.map((c) => [c.key, c.observed, c.ok])).toEqual([
      ['reordered', 3, true],
      ['reordered{group:billing}', 3, false],
      ['reordered{group:audit}', null, false],
    ]);
    expect(verdict.failures.filter((f) => f.startsWith('invariant'))).toEqual([
      expect.stringMatching(/^invariant ordered violated: reordered 3 in billing/),
    ]);
    expect(verdict.verdict).toBe('fail');
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
