import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateChecks } from '../../../src/checks/evaluate.ts';
import { encodeHistogram, newHistogram } from '../../../src/metrics/histogram.ts';
import { loadPlanText } from '../../../src/plan/load-plan.ts';
import { EventLog } from '../../../src/run/event-log.ts';
import { groupExpectation } from '../../../src/run/expectations.ts';
import { Measurements } from '../../../src/run/measurements.ts';

const plan = loadPlanText(
  `
description: backlog per group
topics: [{name: t}]
fleets:
  producers: [{name: p, topic: t, rate: 10/s}]
  consumers:
    - {name: billing, subscription: {t: "*"}}
    - {name: audit, subscription: {t: "*"}}
phases: {load: 1s}
thresholds:
  backlog: ["max==6", "final==6"]
  backlog{group:billing}: ["max==0"]
  backlog{group:audit}: ["max==6", "min==6"]
`,
  'evaluate.yaml',
);

describe('evaluateChecks', () => {
  it("backlog with a group selector is that group's backlog, not the run's", () => {
    const m = new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'eval-')), 'events.ndjson')), 0);
    m.addProducer('p#0');
    for (const group of ['billing', 'audit'])
      m.addConsumer(
        { instanceId: `${group}#0`, fleet: group, group, model: 'clustering' },
        groupExpectation(plan, group),
      );
    const seqs = Array.from({ length: 10 }, (_, i) => i);
    m.handle({
      type: 'acks',
      producerId: 'p#0',
      seqs,
      tags: seqs.map(() => ''),
      queues: seqs.map(() => 't@broker-a/0'),
      offsets: seqs,
      sentAtMs: seqs.map(() => 0),
      attempted: 10,
      errors: {},
      dropped: 0,
      sendLatency: encodeHistogram(newHistogram()),
    });
    const receipt = (seq: number) => ['p#0', seq, 0, 5, 't@broker-a/0', 0, 'success', ''] as const;
    m.handle({ type: 'receipts', instanceId: 'billing#0', items: seqs.map((s) => [...receipt(s)]), foreign: 0 });
    m.handle({
      type: 'receipts',
      instanceId: 'audit#0',
      items: seqs.slice(0, 4).map((s) => [...receipt(s)]),
      foreign: 0,
    });
    m.sample(1000, 'load');
    m.sample(2000, 'drain');
    const results = evaluateChecks(
      plan,
      m,
      m.scopes().map((s) => m.ledger.summarize(s)),
    );
    expect(results.map((r) => [r.key, r.threshold, r.observed, r.ok])).toEqual([
      ['backlog', 'max==6', 6, true],
      ['backlog', 'final==6', 6, true],
      ['backlog{group:billing}', 'max==0', 0, true],
      ['backlog{group:audit}', 'max==6', 6, true],
      ['backlog{group:audit}', 'min==6', 6, true],
    ]);
  });
});

describe('evaluateChecks on the workloads: max_rate, drain_time, drain_rate', () => {
  const searchPlan = loadPlanText(
    `
description: rate search
topics: [{name: t}]
fleets:
  producers: [{name: p, topic: t, rate: max}]
  consumers: [{name: c, subscription: {t: "*"}}]
phases: {load: 30s}
thresholds:
  max_rate: ["value>=500", "value>5000"]
`,
    'search.yaml',
  );
  const backlogPlan = loadPlanText(
    `
description: backlog
topics: [{name: t}]
fleets:
  producers: [{name: p, topic: t, rate: 1000/s}]
  consumers: [{name: c, subscription: {t: "*"}}]
phases: {load: 30s}
backlog: {build: 2000}
thresholds:
  drain_time: ["value<30s", "value<1s"]
  drain_rate: ["value>1000"]
`,
    'backlog.yaml',
  );
  const measurements = () => new Measurements(new EventLog(join(mkdtempSync(join(tmpdir(), 'eval-')), 'e.ndjson')), 0);
  const judged = (p: typeof plan, m: Measurements) =>
    evaluateChecks(p, m, []).map((r) => [r.key, r.threshold, r.observed, r.ok]);

  it('compares the figure each measured once; a workload that found nothing is no data and fails', () => {
    const m = measurements();
    expect(judged(searchPlan, m)).toEqual([
      ['max_rate', 'value>=500', null, false],
      ['max_rate', 'value>5000', null, false],
    ]);
    m.rateSearch = {
      spec: searchPlan.fleets.producers[0]!.rateSearch!,
      fleet: 'p',
      maxRatePerSecond: 4200,
      steps: [],
      converged: true,
      note: '',
    };
    expect(judged(searchPlan, m)).toEqual([
      ['max_rate', 'value>=500', 4200, true],
      ['max_rate', 'value>5000', 4200, false],
    ]);
    m.backlogDrain = {
      target: 2000,
      built: true,
      releasedAtMs: 9000,
      buildMs: 2000,
      backlogAtRelease: 2000,
      drainedMessages: 2100,
      drainMs: 1400,
      drainRatePerSecond: 1500,
    };
    expect(judged(backlogPlan, m)).toEqual([
      ['drain_time', 'value<30s', 1400, true],
      ['drain_time', 'value<1s', 1400, false],
      ['drain_rate', 'value>1000', 1500, true],
    ]);
  });

  it('resolves rate: max to the search with its defaults, starting at its first rate', () => {
    const fleet = searchPlan.fleets.producers[0]!;
    expect(fleet.rateSearch).toEqual({ p99Ms: 50, stepMs: 3000, fromPerSecond: 100, toPerSecond: 20_000 });
    expect(fleet.executor).toEqual({ kind: 'constant', ratePerSecond: 100 });
    expect(backlogPlan.backlog).toEqual({ build: 2000, then: 'drain' });
  });
});
