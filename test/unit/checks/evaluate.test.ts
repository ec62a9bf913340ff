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
