/**
 * k6's abortOnFail on a real run: a threshold that fails mid-load ends the run early, which
 * still stops everything, writes its report and exits 99 naming the threshold.
 */
import { describe, expect, it } from 'vitest';
import { runCli, writePlan } from '../support/run-cli.ts';

describe('abortOnFail', () => {
  it('a failing abortOnFail threshold stops a 60 s load within seconds, reports, and exits 99', async () => {
    const plan = writePlan(
      'abort',
      `
description: received must stay under 50, which a 100/s load breaks within a second
topics: [{name: t, queues: 2}]
fleets:
  producers: [{name: p, topic: t, rate: 100/s}]
  consumers: [{name: c, instances: 1, subscription: {t: "*"}}]
phases: {warmup: 2s, load: 60s, drain: 30s}
thresholds:
  received: [{threshold: "count<50", abortOnFail: true, delayAbortEval: 1s}]
  send_errors: ["count==0"]
`,
    );
    const run = await runCli(plan);
    expect(run.code, run.output).toBe(99);
    const s = run.summary!;
    expect(s.abortedBy, run.output).toMatchObject({ key: 'received', threshold: 'count<50' });
    expect(s.abortedBy!.observed!).toBeGreaterThanOrEqual(50);
    // Load was cut short: the drain phase never ran, and far fewer than 60 s of messages were sent.
    expect(s.phases['drain']).toBeUndefined();
    expect(s.producers.attempted).toBeLessThan(2000);
    expect(s.failures.some((f) => f.startsWith('aborted at ') && f.includes('threshold received count<50'))).toBe(true);
    expect(run.output).toContain('with abortOnFail: stopping the run');
    expect(s.checks.find((c) => c.key === 'send_errors')!.ok).toBe(true);
  }, 120_000);
});
