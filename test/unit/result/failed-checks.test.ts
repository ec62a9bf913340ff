import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failedCheckIds } from '../../../src/result/failed-checks.ts';
import type { RunSummary } from '../../../src/result/run-summary.ts';

const passed = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/runs/flap-duplicates/summary.json'), 'utf8'),
) as RunSummary;

describe('failedCheckIds', () => {
  it('a passing run failed nothing', () => {
    expect(failedCheckIds(passed)).toEqual([]);
  });

  it('names each failed check by what it checks, not by what it observed', () => {
    const check = passed.checks[0]!;
    const fault = passed.faults[0]!;
    const failed: RunSummary = {
      ...passed,
      verdict: 'fail',
      checks: [
        { ...check, ok: false, key: 'received{group:billing,instance:each}', instance: 'billing#1', observed: 3 },
        { ...check, ok: false, key: 'duplicates', observed: 41 },
      ],
      invariants: [{ id: 'no-loss', expected: 'hold', held: false, ok: false, detail: 'lost 3 of 900 in billing' }],
      expectedDiagnoses: [{ id: 'duplicate-burst', group: 'billing', fired: false }],
      diagnoses: [
        { ...passed.diagnoses[0]!, id: 'backlog-growth', group: 'billing', expected: false },
        { ...passed.diagnoses[0]!, id: 'stale-consumer', group: 'billing', expected: false },
      ] as RunSummary['diagnoses'],
      failures: ['unexpected diagnosis backlog-growth (billing) with expect.others: fail'],
      crashes: [
        { worker: 'billing#0', description: 'exited 1', failsRun: true },
        { worker: 'billing#1', description: 'killed by the plan', failsRun: false },
      ],
      faults: [
        { ...fault, action: 'network.down', target: 'consumers->broker-a', error: 'toxiproxy said no' },
        { ...fault, action: 'network.down', target: 'consumers->broker-a', occurrence: 1, error: 'again' },
      ],
    };
    expect(failedCheckIds(failed)).toEqual([
      'threshold:received{group:billing,instance:each}[billing#1]',
      'threshold:duplicates',
      'invariant:no-loss',
      'diagnosis:duplicate-burst@billing',
      'unexpected:backlog-growth@billing',
      'crash:billing#0',
      'fault:network.down consumers->broker-a',
    ]);
  });
});
