import { describe, expect, it } from 'vitest';
import { loadSummary } from '../../../src/compare/load-summary.ts';
import { ProcessExitedError } from '../../../src/runtime/managed-process.ts';
import { summarySchemaErrors } from '../../../src/result/summary-schema.ts';
import { SUMMARY_SCHEMA_VERSION } from '../../../src/result/run-summary.ts';
import { describeStop, SIGNAL_STOP } from '../../../src/run/run-abort.ts';
import { HarnessError } from '../../../src/util/errors.ts';
import { abortedSummary, cleanup } from './aborted-fixture.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

describe('the summary of a run stopped before its verdict', () => {
  it('says why, where, when and what was cleaned up, with the counts so far and nothing judged', () => {
    const s = abortedSummary();
    expect(s).toMatchObject({
      schema: 'rmq-chaos/summary',
      schemaVersion: SUMMARY_SCHEMA_VERSION,
      verdict: 'aborted',
      run: { id: '20261125-100000Z-aborted', plan: 'aborted', wallMs: 92_500 },
      cluster: { provider: 'local', startMs: null, namesrvAddr: null, brokers: [] },
      aborted: {
        reason: 'the name server lists no broker after 90000 ms',
        kind: 'readiness-timeout',
        hint: 'see the broker log in the work folder (rerun with --keep)',
        phase: 'cluster',
        atMs: 91_203,
        cleanup,
      },
      producers: { attempted: 0, acked: 0, sendErrors: {}, dropped: 0, ackedPerSecond: 0 },
      totals: { acked: 0, receipts: 0 },
      latency: { e2e: { count: 0 }, send: { count: 0 } },
      timeseries: [],
    });
    // No judgment and no figure that needs an orderly drain: absent, not zero.
    for (const field of ['checks', 'invariants', 'diagnoses', 'failures', 'groups', 'backlog', 'abortedBy'])
      expect(s, field).not.toHaveProperty(field);
    expect(s.totals).not.toHaveProperty('lost');
    expect(s.aborted).not.toHaveProperty('signal');
  });

  it('validates against plans/summary.schema.json, and the schema holds it to the aborted shape', () => {
    const s = abortedSummary();
    expect(summarySchemaErrors(s)).toEqual([]);
    expect(summarySchemaErrors(JSON.parse(JSON.stringify(s)))).toEqual([]);
    // A measured field an aborted summary must not pretend to, and a missing reason, are refused with where.
    const { reason: _reason, ...noReason } = s.aborted;
    expect(summarySchemaErrors({ ...s, totals: { ...s.totals, lost: 0 }, aborted: noReason })).toEqual(
      expect.arrayContaining([
        '/totals: must NOT have additional properties (lost)',
        "/aborted: must have required property 'reason'",
      ]),
    );
    // An aborted verdict on a finished summary's shape is not a summary either.
    expect(summarySchemaErrors({ ...s, checks: [] })).toContain(
      '(top level): must NOT have additional properties (checks)',
    );
  });

  it('a signal is kind `signal` with the signal; the reason is one line, the rest apart', () => {
    const stopped = describeStop(
      { error: new HarnessError(SIGNAL_STOP, 'run aborted (SIGINT)'), phase: 'warmup', at: 5000 },
      1000,
      'SIGINT',
    );
    expect(stopped).toEqual({
      reason: 'run aborted (SIGINT)',
      kind: 'signal',
      signal: 'SIGINT',
      phase: 'warmup',
      atMs: 4000,
    });

    const exited = new ProcessExitedError(
      'consumer billing#0',
      { code: 1, signal: null, lastLines: ['Error: cannot connect', '\u001b[31mred\u001b[0m'] },
      'ready',
    );
    const worker = describeStop({ error: exited, phase: 'warmup', at: 1000 }, 0, undefined);
    expect(worker.kind).toBe('process-exited');
    expect(worker.reason).toBe('[consumer billing#0] exited (code 1) while waiting for ready; last output:');
    expect(worker.detail).toEqual(['Error: cannot connect', '\\u001b[31mred\\u001b[0m']);

    // An error without a code is a bug: kind internal, its message still the reason.
    expect(describeStop({ error: new TypeError('x is undefined'), phase: 'load', at: 0 }, 0, 'SIGINT')).toEqual({
      reason: 'x is undefined',
      kind: 'internal',
      phase: 'load',
      atMs: 0,
    });
  });

  it('compare and --baseline refuse it in one line (exit 2)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aborted-baseline-')), 'summary.json');
    writeFileSync(file, JSON.stringify(abortedSummary()));
    const refused = loadSummary(file);
    await expect(refused).rejects.toMatchObject({
      exitCode: 2,
      message:
        `${file}: the run 20261125-100000Z-aborted was aborted (in cluster: the name server lists no broker ` +
        'after 90000 ms) and measured nothing to compare; give a run that finished (verdict pass or fail)',
    });
    await refused.catch((error: HarnessError) => {
      expect(error.message).not.toContain('\n');
      expect(error.hint).toBeUndefined();
    });
  });
});
