/**
 * `rmq-chaos shrink` on a real cluster: a flap-duplicates variant (short phases, 200 msg/s) with
 * three faults of which only the hard restart makes duplicates, and a threshold that allows
 * none, so the run fails. The shrink must end with fewer faults (ddmin: the two latency faults
 * pass, the restart alone reproduces), write a valid shrunk.yaml and shrink.md next to the run,
 * keep its tries in <run>/shrink/ (not in the reports list), and the shrunk plan must be one
 * of its tries that failed the same check (each try's folder keeps the plan it ran).
 *
 * The duplicates need billing#1 to have consumed (and reported) messages whose offsets it had
 * not committed yet when it is killed: the crash comes 5 s into the producers' sending (load 2 s
 * + chaos 3 s; 2.5 s once shrink halves both), by then it has consumed hundreds. That holds
 * because producers boot in the warmup and send from the load phase's start (stages.ts). When
 * their process was only spawned at load start, a busy CI machine took up to 5 s to boot it:
 * the crash came before the first delivery, billing#1 had consumed nothing, billing#0 took its
 * queues from their start, and the run passed (exit 0, billing#1 received nothing).
 *
 * One run of ~30 s plus the shrink's budget (120 s: room for the two tries that decide, even at
 * 40-60 s a try on a busy machine; 80 s was one try short there). No assertion bounds a time: it
 * runs side by side.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanText } from '../../src/plan/load-plan.ts';
import { failedCheckIds } from '../../src/result/failed-checks.ts';
import type { RunSummary } from '../../src/result/run-summary.ts';
import { BIN } from '../support/cli.ts';
import { runCli, writePlan } from '../support/run-cli.ts';

const VARIANT = `
name: flap-duplicates-variant
description: flap-duplicates, short, with two harmless latency faults beside the hard restart
seed: 1
topics: [{name: orders, queues: 4}]
fleets:
  producers: [{name: checkout, topic: orders, rate: 200/s}]
  consumers: [{name: billing, instances: 2, subscription: {orders: "*"}}]
phases: {warmup: 3s, load: 2s, chaos: 6s, heal: 0s, drain: 20s}
faults:
  - {name: slow-producers, action: network.latency, target: producers->broker-a, phase: chaos, at: 0s,
     duration: 2s, latency: 20ms}
  - {name: slow-consumers, action: network.latency, target: consumers->broker-a, phase: chaos, at: 1s,
     duration: 2s, latency: 20ms}
  - {name: crash-and-restart, action: restart, target: billing#1, phase: chaos, at: 3s, hard: true, down: 1s}
thresholds:
  loss: ["count==0"]
  duplicates: ["count==0"]
`;

function shrinkCli(runDir: string, budget: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, 'shrink', runDir, '--budget', budget], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('rmq-chaos shrink', () => {
  it('shrinks a failing flap-duplicates variant to fewer faults, and the shrunk plan still fails', async () => {
    const original = await runCli(writePlan('flap-duplicates-variant', VARIANT));
    expect(original.code, original.output).toBe(99);
    const runDir = original.runDir!;
    expect(failedCheckIds(original.summary!)).toContain('threshold:duplicates');
    expect(existsSync(join(runDir, 'plan.yaml'))).toBe(true);

    const shrink = await shrinkCli(runDir, '120s');
    expect(shrink.code, shrink.output).toBe(0);
    expect(shrink.output).toMatch(/^shrink: try 1 \(faults\) /m);
    const shrunkText = readFileSync(join(runDir, 'shrunk.yaml'), 'utf8');
    expect(shrunkText).toContain(`# Shrunk by rmq-chaos shrink from run ${original.summary!.run.id}`);
    const shrunk = loadPlanText(shrunkText, 'shrunk.yaml');
    expect(shrunk.faults.length, shrink.output).toBeLessThan(3);
    expect(shrunk.faults.map((f) => f.name)).toContain('crash-and-restart');
    expect(shrunk.seed).toBe(1);
    const table = readFileSync(join(runDir, 'shrink.md'), 'utf8');
    expect(table).toContain('| # | stage | faults kept | phases | duration | verdict | failed checks |');
    expect(table).toMatch(/\| 2 \| faults \| crash-and-restart \| .* \| reproduces \| threshold:duplicates/);
    // The tries' runs are inside the run folder, not beside it in the reports list.
    const isFolder = (path: string) => statSync(path).isDirectory();
    // try-NN.yaml (the candidate) beside try-NN/ (the reports folder its run went to).
    const tries = readdirSync(join(runDir, 'shrink')).filter(
      (f) => f.startsWith('try-') && isFolder(join(runDir, 'shrink', f)),
    );
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(join(runDir, '..')).filter((f) => f !== 'index.html')).toEqual([original.summary!.run.id]);

    // The shrunk plan is one the search ran and saw fail the same check (each try keeps the plan
    // it ran as plan.yaml): no need for one more real run to show it.
    const same = (a: typeof shrunk, b: typeof shrunk) =>
      JSON.stringify([a.phases, a.faults, a.thresholds]) === JSON.stringify([b.phases, b.faults, b.thresholds]);
    const tried = tries
      .map((t) => join(runDir, 'shrink', t))
      .flatMap((dir) => readdirSync(dir).map((run) => join(dir, run)))
      .filter((run) => isFolder(run) && existsSync(join(run, 'plan.yaml')) && existsSync(join(run, 'summary.json')))
      .find((run) => same(loadPlanText(readFileSync(join(run, 'plan.yaml'), 'utf8'), 'plan.yaml'), shrunk));
    expect(tried, `no try ran the shrunk plan:\n${shrink.output}`).toBeDefined();
    const triedSummary = JSON.parse(readFileSync(join(tried!, 'summary.json'), 'utf8')) as RunSummary;
    expect(failedCheckIds(triedSummary)).toContain('threshold:duplicates');
  }, 300_000);
});
