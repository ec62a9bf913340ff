import { describe, expect, it } from 'vitest';
import { CandidatePlans, candidateKey } from '../../../../src/cli/shrink/candidate-plan.ts';
import { loadPlanText } from '../../../../src/plan/load-plan.ts';

const PLAN = `# the original's comment
name: variant
description: three faults
topics: [{name: orders, queues: 4}]
fleets:
  producers: [{name: checkout, topic: orders, rate: 100/s}]
  consumers: [{name: billing, instances: 2, subscription: {orders: "*"}}]
phases: {warmup: 4s, load: 2s, chaos: 8s, drain: 20s}
faults:
  - {name: slow, action: network.latency, target: producers->broker-a, phase: chaos, at: 2s, duration: 4s,
     latency: 20ms}
  - {name: flaky, action: network.flap, target: consumers->broker-a, phase: chaos, at: 0s, duration: 6s,
     period: 2s, downFor: 500ms}
  - {name: crash, action: restart, target: billing#1, phase: chaos, at: 6s, hard: true, down: 1s}
thresholds:
  duplicates: ["count==0"]
`;

describe('CandidatePlans', () => {
  const plans = new CandidatePlans(PLAN, 'plan.yaml');

  it('leaves out the faults a candidate drops and writes the seed in', () => {
    const text = plans.text({ faults: [2], halvings: {} });
    const plan = loadPlanText(text, 'x.yaml');
    expect(plan.faults.map((f) => f.name)).toEqual(['crash']);
    expect(plan.seed).toBe(1);
    expect(text).toContain("# the original's comment");
    expect(loadPlanText(plans.text({ faults: [], halvings: {} }), 'x.yaml').faults).toEqual([]);
  });

  it("halves a phase with the at, duration of the faults timed from it, and a fault's own duration", () => {
    const c = { faults: [0, 2], halvings: { 'phase:chaos': 1, 'duration:0': 1 } };
    const plan = loadPlanText(plans.text(c), 'x.yaml');
    expect(plan.phases.chaosMs).toBe(4000);
    expect(plan.faults.map((f) => [f.name, f.occurrences[0]?.atMs, f.occurrences[0]?.durationMs])).toEqual([
      ['slow', 1000, 1000],
      ['crash', 3000, null],
    ]);
    expect(plans.phases(c)).toEqual({ warmup: 4000, load: 2000, chaos: 4000, heal: 0, drain: 20_000 });
  });

  it('offers the phases longest first, then the fault durations, each down to 1 s', () => {
    expect(plans.knobs()).toEqual([
      'phase:drain',
      'phase:chaos',
      'phase:warmup',
      'phase:load',
      'duration:0',
      'duration:1',
    ]);
    // By the time the run spent in each phase when it says: a drain that ended early costs little.
    expect(plans.knobs({ warmup: 7000, load: 2000, chaos: 9000, drain: 1500 }).slice(0, 4)).toEqual([
      'phase:chaos',
      'phase:warmup',
      'phase:load',
      'phase:drain',
    ]);
    const start = plans.original();
    expect(plans.halve(start, 'phase:load')).toEqual({ faults: [0, 1, 2], halvings: { 'phase:load': 1 } });
    expect(plans.halve({ ...start, halvings: { 'phase:load': 1 } }, 'phase:load')).toBeUndefined();
    // A fault the candidate dropped has no duration to halve.
    expect(plans.halve({ faults: [2], halvings: {} }, 'duration:0')).toBeUndefined();
  });

  it('says why a candidate is not a valid plan', () => {
    expect(plans.problem(plans.original())).toBeUndefined();
    // A fault from the chaos phase that lasts into the drain: a halved drain ends the run before it does.
    const long = new CandidatePlans(PLAN.replace('duration: 4s', 'duration: 20s'), 'plan.yaml');
    expect(long.problem(long.original())).toBeUndefined();
    expect(long.problem({ faults: [0], halvings: { 'phase:drain': 1 } })).toMatch(/^faults\[0\]/);
  });

  it('keys a candidate by its faults and its non-zero halvings', () => {
    expect(candidateKey({ faults: [1], halvings: { 'phase:chaos': 0 } })).toBe(
      candidateKey({ faults: [1], halvings: {} }),
    );
    expect(candidateKey({ faults: [1], halvings: { a: 1, b: 2 } })).toBe(
      candidateKey({ faults: [1], halvings: { b: 2, a: 1 } }),
    );
    expect(candidateKey({ faults: [1], halvings: {} })).not.toBe(candidateKey({ faults: [2], halvings: {} }));
  });
});
