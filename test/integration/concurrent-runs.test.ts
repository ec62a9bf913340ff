/**
 * Runs started at once cannot collide: three runs of one plan, started in the same second into
 * one reports folder (a CI matrix, two terminals), each claim their own run id, work, state and
 * report folders, and all pass. Before ids were claimed they shared one id, killed each other's
 * nodes and failed. They share one cluster as provider external, each with its own topic and group.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writePlan } from '../support/run-cli.ts';
import { sharedExternalCluster } from './support/cluster.ts';

const shared = sharedExternalCluster();
afterAll(() => shared.dispose());

function twinPlan(i: number): string {
  return writePlan(
    'twin',
    `
description: one of three runs of the same plan started at once
topics: [{name: twin-${i}, queues: 2}]
fleets:
  producers: [{name: p, topic: twin-${i}, rate: 20/s, maxMessages: 40}]
  consumers: [{name: c, group: twin-${i}, instances: 1, subscription: {twin-${i}: "*"}}]
phases: {warmup: 2s, load: 3s, drain: 30s}
thresholds:
  loss: ["count==0"]
  unexpected: ["count==0"]
`,
  );
}

describe('runs started at once', () => {
  it('each claims its own run id and folders, and all pass', async () => {
    const sets = await shared.sets();
    const reportsDir = mkdtempSync(join(tmpdir(), 'rmq-chaos-reports-'));
    const runs = await Promise.all([0, 1, 2].map((i) => runCli(twinPlan(i), sets, undefined, reportsDir)));
    for (const run of runs) {
      expect(run.code, run.output).toBe(0);
      expect(run.summary?.totals).toMatchObject({ acked: 40, unique: 40, lost: 0, unexpected: 0 });
    }
    const ids = runs.map((run) => run.summary!.run.id);
    expect(new Set(ids).size).toBe(3);
    // Ids read as `<start second>-twin`, with `-2`, `-3` for the runs that found theirs taken.
    for (const id of ids) expect(id).toMatch(/^\d{8}-\d{6}Z-twin(-\d+)?$/);
    expect(runs.map((run) => basename(run.runDir!)).sort()).toEqual([...ids].sort());
    expect(new Set(runs.map((run) => dirname(run.runDir!)))).toEqual(new Set([reportsDir]));
    expect(
      readdirSync(reportsDir)
        .filter((name) => name !== 'index.html')
        .sort(),
    ).toEqual([...ids].sort());
  }, 240_000);
});
